export default {
  pools: {
    currency: ["peso", "rand", "krona", "lira", "rupee", "zloty", "yen", "real", "forint"],
    index: ["the Atlas 200 index", "the Meridian Composite", "the benchmark share index", "the blue-chip index", "the All-Share index"],
    bank: ["Calder Bank", "Ostmark Savings", "First Harbour Bank", "Banco Almirante", "Nordhavn Bank", "Union Pacific Trust", "Greenvale Mutual"],
    analyst: ["chief economist at {bank2}", "a strategist at {bank2}", "a fund manager in {city}", "head of rates research at {bank2}", "a currency analyst at {bank2}"],
    company: ["Tessaro Payments", "Norwind Energy", "Calyx Holdings", "Brightline Freight Group", "Montclair Insurance", "Sabre Peak Minerals", "Orion Data Centres"],
  },
  train: [
    {
      t: ["[0] Central bank raises interest rates to {dec:3.1-6.9}%", "[1] Central bank holds rates, signals cuts later this year", "Rate decision: policymakers split {int:5-7}-{int:2-4}"],
      lead: ["The central bank of {country} raised its benchmark interest rate by a quarter point to {dec:3.1-6.9}% on {weekday}, its {~second|third|fourth} increase this year, to bring inflation under control.", "The central bank of {country} kept interest rates unchanged on {weekday} but signalled that borrowing costs could start to fall later in the year if inflation keeps easing."],
      s: ["The decision was in line with market expectations.", "[0] The governor said underlying price pressures remained too strong.", "{person}, {analyst}, said the statement was more cautious than expected.", "[0] Two members of the monetary policy committee voted for a larger move.", "The {currency} strengthened slightly after the announcement."],
    },
    {
      t: ["[0] Shares slide as inflation data rattle investors", "[1] {^index} climbs to record high", "[1] Stock markets rebound after three-day sell-off"],
      lead: ["{^index} fell {dec:1.1-3.4}% on {weekday} after inflation figures came in higher than expected, raising fears that interest rates will stay high.", "{^index} closed at a record high on {weekday}, lifted by gains in bank and energy shares."],
      s: ["[0] Technology stocks led the declines.", "Trading volumes were above average.", "[0] {person}, {analyst}, said investors were too optimistic about rate cuts.", "[0] Government bond yields rose across the board.", "Markets in Asia and Europe followed the same pattern.", "[1] Bank shares rose on hopes of higher lending margins.", "[1] Energy stocks gained as oil prices climbed.", "[1] The index has risen about {int:8-18}% since the start of the year."],
    },
    {
      t: ["[0] Inflation in {country} eases to {dec:2.1-4.9}%", "[1] Consumer prices rise faster than expected", "[1] Food and energy push inflation higher"],
      lead: ["Annual consumer price inflation in {country} eased to {dec:2.1-4.9}% in {month}, from {dec:5.0-6.5}% a month earlier, the statistics office said.", "Consumer prices in {country} rose {dec:0.4-0.9}% in {month} from the previous month, more than economists had forecast."],
      s: ["Core inflation, which strips out food and energy, remained sticky.", "[0] Lower fuel prices helped pull the headline rate down.", "[1] {person}, {analyst}, said the figures make a rate cut next month less likely.", "Services inflation is being driven by wage growth.", "The central bank targets inflation of 2%."],
    },
    {
      t: ["{^currency} falls to record low against the dollar", "Central bank intervenes to support the {currency}", "{^currency} under pressure as investors retreat"],
      lead: ["The {currency} fell to a record low of {dec:18.1-39.9} per dollar on {weekday}, as investors worried about widening budget deficits.", "The central bank sold foreign currency reserves to support the {currency} after it lost {int:4-11}% of its value in a week."],
      s: ["A weaker currency makes imports more expensive and adds to inflation.", "Foreign investors have been pulling money out of local bonds.", "{person}, {analyst}, said the intervention bought time but would not fix underlying problems.", "Exporters benefit from a weaker exchange rate.", "Currency reserves have fallen to about {int:25-90} billion dollars."],
    },
    {
      t: ["Government bond yields hit {int:10-16}-year high", "Borrowing costs rise as investors demand higher returns", "Bond sell-off deepens over budget worries"],
      lead: ["The yield on {country}’s ten-year government bond rose to {dec:4.1-6.9}%, the highest in {int:10-16} years, as investors worried about the size of the budget deficit.", "Government borrowing costs climbed sharply on {weekday} after a debt auction drew weak demand from investors."],
      s: ["Bond prices move in the opposite direction to yields.", "Higher yields raise the cost of servicing public debt.", "{person}, {analyst}, said the market wants a credible plan to cut borrowing.", "Mortgage lenders price their loans partly off government bond yields.", "The finance ministry plans to issue {int:80-250} billion dollars of debt this year."],
    },
    {
      t: ["[0] {bank} profit jumps on higher interest income", "[1] Banks pass stress test despite tougher scenario", "[0] {bank} sets aside more for bad loans"],
      lead: ["{bank} reported a {int:15-40}% rise in quarterly profit, as higher interest rates widened the gap between what it earns on loans and pays on deposits.", "All {int:6-12} major banks in {country} passed the central bank’s annual stress test, which modelled a deep recession and a sharp fall in house prices."],
      s: ["[0] Net interest margin rose to {dec:2.1-3.4}%.", "[0] The bank set aside more money to cover loans that may not be repaid.", "{person}, {analyst}, said bank earnings have probably peaked.", "[1] Capital ratios remained well above regulatory minimums.", "[0] The bank will buy back {int:1-4} billion dollars of its own shares.", "[1] The test assumed unemployment would rise to {int:8-11}%.", "[1] Regulators said the banks could keep lending even in a severe downturn."],
    },
    {
      t: ["[0] Mortgage rates fall below {int:5-6}% for first time in a year", "[1] Mortgage approvals rise as borrowing costs ease", "Home buyers face higher monthly repayments"],
      lead: ["The average rate on a five-year fixed mortgage in {country} fell below {int:5-6}% this week, the lowest in a year, according to a comparison website.", "Mortgage approvals in {country} rose for a {~third|fourth|fifth} consecutive month in {month}, as lenders cut rates."],
      s: ["Lenders have been competing for borrowers with good credit.", "Many households coming off cheaper fixed deals still face higher payments.", "{person}, a mortgage broker in {city}, said first-time buyers were returning.", "Swap rates, which lenders use to price loans, have fallen.", "The number of loans in arrears remains low."],
    },
    {
      t: ["[0] {company} shares jump {int:12-45}% on stock market debut", "Stock exchange listing values {company} at {dec:1.1-9.9} billion dollars", "[1] Investors snap up shares in biggest listing of year"],
      lead: ["Shares in {company} rose {int:12-45}% on their first day of trading on the {city} stock exchange, valuing the company at about {dec:1.1-9.9} billion dollars.", "The initial public offering of {company} was {int:5-15} times oversubscribed, making it the largest listing of the year on the exchange."],
      s: ["The shares were priced at the top of the expected range.", "Existing investors sold part of their holdings in the offering.", "{person}, {analyst}, said the listing market was reopening after a quiet period.", "The money raised will be used to pay down debt.", "Retail investors were allocated about a fifth of the shares."],
    },
    {
      t: ["[0] Bitcoin swings wildly after regulator’s warning", "[1] Crypto exchange licensing rules take effect", "[0] Digital currency prices tumble {int:8-20}% in a day"],
      lead: ["The price of bitcoin fell {int:8-20}% in a day before recovering some losses, after a financial regulator warned investors about the risks of crypto assets.", "New rules requiring cryptocurrency exchanges to obtain a licence and hold customer funds separately came into force in {country} on {weekday}."],
      s: ["Crypto prices are notoriously volatile.", "[1] Exchanges must also check the identity of their customers.", "{person}, {analyst}, said clearer rules could attract institutional investors.", "[0] Trading volumes spiked during the sell-off.", "[1] Several smaller exchanges have said they will leave the market."],
    },
    {
      t: ["[0] Gold hits record above {num:2400-3600} dollars an ounce", "[0] Investors seek safety in gold and government bonds", "[1] Copper price surges on supply fears"],
      lead: ["The price of gold rose to a record above {num:2400-3600} dollars an ounce on {weekday}, as investors sought safety from geopolitical tensions and expected rate cuts.", "Copper prices jumped {int:4-9}% this week on fears of supply shortages after disruptions at mines in {country}."],
      s: ["[0] Central banks have been buying gold to diversify their reserves.", "A weaker dollar also supported commodity prices.", "{person}, {analyst}, said the rally could continue.", "Silver and platinum also gained.", "[0] Exchange-traded funds backed by gold recorded inflows."],
    },
    {
      t: ["[0] Pension fund reports {dec:6.1-12.9}% return", "[1] Sovereign wealth fund loses {int:2-6}% in volatile year", "Pension funds shift money into infrastructure"],
      lead: ["The national pension fund of {country} returned {dec:6.1-12.9}% last year, helped by strong gains in global shares, its annual report showed.", "The sovereign wealth fund of {country} lost {int:2-6}% in the first half of the year, as falling bond prices offset gains in equities."],
      s: ["The fund manages assets worth about {int:150-900} billion dollars.", "It plans to increase investment in infrastructure and private credit.", "{person}, {analyst}, said long-term returns remain above target.", "Fees paid to external managers fell.", "The fund sold holdings in several fossil fuel companies."],
    },
    {
      t: ["[0] Household debt rises to record as credit card use grows", "[1] Buy now, pay later loans face new rules", "[0] Consumer borrowing jumps {dec:5.1-9.9}% in a year"],
      lead: ["Household debt in {country} rose to a record {dec:1.1-2.9} trillion dollars, driven by credit card balances and car loans, central bank data show.", "Buy now, pay later loans will be regulated like other forms of consumer credit from {month}, with lenders required to check affordability."],
      s: ["Credit card interest rates average about {int:19-26}%.", "Late payments have risen among younger borrowers.", "{person}, {analyst}, said most households are still managing their debts.", "[1] Consumer groups welcomed the new rules.", "[1] Lenders say they already carry out checks."],
    },
  ],
  sample: [
    {
      t: ["[0] Investors pull {dec:2.1-9.9} billion dollars from equity funds", "[1] Asset manager hit by outflows after poor returns", "Fund managers shift towards cash and bonds"],
      lead: ["Investors withdrew {dec:2.1-9.9} billion dollars from equity funds last week, the largest weekly outflow in months, according to fund flow data.", "Asset manager {bank} said clients withdrew money from its flagship funds for a {~second|third|fourth} consecutive quarter after a period of weak performance."],
      s: ["Money market funds attracted large inflows.", "Funds focused on emerging markets saw the biggest withdrawals.", "{person}, {analyst}, said investors were waiting for clarity on interest rates.", "Passive index funds continued to gain market share.", "[1] The firm’s shares fell after the update.", "[1] Assets under management fell to about {int:200-700} billion dollars.", "[1] The company plans to cut fees on several funds."],
    },
    {
      t: ["[0] {bank} fined {int:40-400} million dollars over money laundering failures", "[0] Regulator penalises bank for weak anti-laundering checks", "[1] {bank} settles investigation into suspicious transactions"],
      lead: ["{bank} was fined {int:40-400} million dollars by financial regulators for failing to prevent money laundering through thousands of customer accounts.", "{bank} agreed to pay a penalty to settle an investigation into suspicious transactions worth billions of dollars that passed through its branches."],
      s: ["Regulators said the bank ignored repeated warnings.", "The transactions involved shell companies in several countries.", "{person}, a financial crime lawyer, said the fine sends a strong message.", "The bank said it had invested heavily in compliance.", "Several former managers are under investigation.", "The bank must appoint an independent monitor for three years.", "Shares in the bank were little changed."],
    },
    {
      t: ["[0] Savers earn best rates in {int:10-15} years", "[0] Banks slow to pass on higher rates to savers", "[1] Easy-access savings accounts top {dec:4.1-5.4}%"],
      lead: ["Savers in {country} can earn more than {dec:4.1-5.4}% on easy-access accounts, the best rates in {int:10-15} years, according to a comparison website.", "Large banks are paying savers far less than the central bank rate, consumer groups said, urging customers to shop around."],
      s: ["Smaller banks and online lenders offer the highest rates.", "Fixed-rate bonds pay more but lock money away.", "{person}, a personal finance expert, said inflation still erodes the value of savings.", "Deposits are protected up to a limit by a government guarantee scheme.", "Banks have made record profits from the gap between lending and savings rates.", "Regulators have asked banks to justify their savings rates.", "Tax-free savings accounts are popular at the end of the tax year."],
    },
    {
      t: ["[0] Stock exchanges of {city} and {city2} agree merger", "[1] Exchange extends trading hours to attract investors", "Stock exchange shake-up aims to win back listings"],
      lead: ["The stock exchanges of {city} and {city2} agreed to merge, creating a larger market that they hope will attract more company listings.", "The stock exchange in {city} will extend trading hours by two hours from {month}, aiming to attract investors in other time zones."],
      s: ["[0] The combined exchange would list about {int:800-2000} companies.", "[1] Brokers said longer hours would increase costs.", "{person}, {analyst}, said liquidity should improve.", "[0] The deal needs approval from regulators in both countries.", "Listings have been falling for years as companies stay private longer.", "[1] Regulators approved the change after a consultation.", "[0] Trading systems will be combined over two years."],
    },
    {
      t: ["[0] Rating agency downgrades {country} debt", "[0] {country} loses top credit rating", "[1] Credit outlook for {country} cut to negative"],
      lead: ["A major credit rating agency downgraded {country}’s sovereign debt by one notch on {weekday}, citing rising public debt and political gridlock.", "The credit outlook for {country} was cut to negative, signalling that a downgrade could follow within a year or two."],
      s: ["The agency expects debt to exceed {int:90-130}% of economic output.", "The finance ministry said the decision did not reflect recent reforms.", "{person}, {analyst}, said the market had already priced in the move.", "Bond yields rose slightly after the announcement.", "Some funds can only hold bonds with high ratings.", "The {currency} weakened against the dollar.", "Another agency will review its rating next month."],
    },
    {
      t: ["[0] Payments app wins banking licence", "Digital lenders challenge traditional banks", "[1] Digital bank reaches {int:2-9} million customers"],
      lead: ["A payments app popular with young people has won a full banking licence in {country}, allowing it to hold deposits and offer loans.", "A digital bank based in {city} said it now has {int:2-9} million customers and made its first annual profit."],
      s: ["[0] Deposits will be protected by the national guarantee scheme.", "The bank earns money from card fees and interest on deposits.", "{person}, {analyst}, said digital banks are taking customers from traditional lenders.", "Regulators have criticised some fintech firms for weak controls.", "The company plans to launch mortgages next year.", "Customers can open an account in minutes using a smartphone.", "The firm was valued at about {dec:1.1-7.9} billion dollars in its latest funding round."],
    },
    {
      t: ["Oil price jump lifts energy shares, hits airlines", "[0] Brent crude tops {int:90-110} dollars a barrel", "Markets brace for higher fuel costs"],
      lead: ["The price of Brent crude oil rose above {int:90-110} dollars a barrel on {weekday}, lifting energy shares and pushing airline stocks lower.", "Oil prices jumped {int:5-9}% after major producers agreed to extend output cuts, sending ripples through stock and bond markets."],
      s: ["Higher oil prices feed into inflation through fuel and transport costs.", "Energy companies were the best-performing sector.", "{person}, {analyst}, said the rise could delay interest rate cuts.", "The {currency} weakened because the country imports most of its oil.", "Inventories of crude have fallen for several weeks.", "Airlines may raise fares to cover fuel costs.", "Futures markets suggest prices will ease next year."],
    },
    {
      t: ["[0] Record sale of green bonds as investors seek climate assets", "[1] {bank} issues {int:1-3} billion dollars of sustainability bonds", "Corporate bond issuance hits record in {month}"],
      lead: ["Companies and governments sold a record amount of green bonds this year, raising money for renewable energy and efficient buildings.", "{bank} issued {int:1-3} billion dollars of bonds linked to sustainability targets, with orders worth nearly three times that amount."],
      s: ["Investors demand evidence that the money is spent as promised.", "The bonds pay a slightly lower interest rate than ordinary debt.", "{person}, {analyst}, said demand from pension funds is strong.", "Critics warn of greenwashing in some deals.", "[1] The interest rate rises if targets are missed.", "[0] Issuance was driven by companies refinancing before rates rise further.", "[1] European issuers accounted for about half of the total."],
    },
  ],
};
