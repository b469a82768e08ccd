export default {
  pools: {
    company: ["Halvorsen Logistics", "Brightwater Foods", "Corvane Motors", "Larkspur Retail", "Tidewell Shipping", "Ostrava Steelworks", "Pinecrest Hotels", "Maribel Textiles", "Greyfield Brewing", "Solano Furniture", "Kestrel Airlines", "Norland Paper", "Vireo Cosmetics", "Cobalt Ridge Mining", "Alder & Finch", "Fernhill Dairies", "Castlegate Builders", "Quayside Appliances"],
    product: ["frozen meals", "electric vans", "flat-pack furniture", "budget flights", "organic coffee", "kitchen appliances", "outdoor clothing", "packaging board", "craft beer", "skincare products", "steel beams", "pet food"],
    exec: ["chief executive", "chief operating officer", "chief financial officer", "managing director", "chair"],
  },
  train: [
    {
      t: ["{company} profit beats forecasts on strong demand for {product}", "{company} lifts full-year outlook after record quarter", "Sales of {product} drive {company} earnings higher"],
      lead: ["{company} reported a {int:12-45}% rise in quarterly operating profit on {weekday}, helped by strong demand for its {product} and lower freight costs.", "Quarterly revenue at {company} climbed to {dec:1.2-9.8} billion dollars, beating analyst expectations and prompting the company to raise its outlook for the year."],
      s: ["{^exec} {person} said orders in {country} had recovered faster than expected.", "The company now expects annual sales growth of {int:5-11}%.", "Margins were squeezed slightly by higher wages at its {city} plant.", "Shares in the company rose about {int:3-9}% in morning trading.", "The group will pay a special dividend to shareholders in {month}."],
    },
    {
      t: ["[0] {company} to cut {num:400-2500} jobs in restructuring", "{company} announces layoffs as demand for {product} slows", "[1] Hundreds of jobs at risk as {company} closes {city} site"],
      lead: ["{company} said on {weekday} it would cut {num:400-2500} jobs, about {int:5-14}% of its workforce, as weaker demand for {product} forces a restructuring.", "{company} plans to close its site in {city}, putting hundreds of jobs at risk, in a cost-cutting drive expected to save {int:60-250} million dollars a year."],
      s: ["Unions called the decision a betrayal and demanded talks.", "Most of the cuts will fall on administrative and middle-management roles.", "{person}, the {exec}, said the company had to \"become leaner to stay independent\".", "Affected staff will be offered retraining or redundancy packages.", "[1] Local officials in {city} said they would seek a buyer for the plant."],
    },
    {
      t: ["[0] {company} agrees {dec:1.1-7.9} billion dollar takeover of {company2}", "[1] {company} and {company2} to merge in all-share deal", "[0] Rival bidders circle {company2} as board backs offer"],
      lead: ["{company} has agreed to buy {company2} for about {dec:1.1-7.9} billion dollars, creating one of the largest groups in its sector.", "{company} and {company2} announced an all-share merger on {weekday} that would combine their operations across {int:9-30} countries."],
      s: ["[0] The offer represents a premium of {int:18-40}% to the closing share price.", "The combined company expects annual cost savings of about {int:80-300} million dollars within three years.", "The deal needs approval from competition authorities in {country} and {country2}.", "{person} will run the enlarged group, while the chair of {company2} becomes deputy chair.", "Some investors questioned whether the price was too high."],
    },
    {
      t: ["{company} to build new plant in {city}, creating {num:300-1800} jobs", "{company} picks {city} for {int:120-900} million dollar factory", "New {product} factory brings jobs to {city}"],
      lead: ["{company} will invest {int:120-900} million dollars in a new plant on the outskirts of {city}, creating about {num:300-1800} jobs when it opens in {int:2026-2028}.", "{city} has won a contest to host the next factory of {company}, beating sites in {country} and {country2}."],
      s: ["The plant will make {product} for export across the region.", "Regional authorities offered tax breaks and help with training.", "{person}, the {exec}, cited the skilled workforce and port access.", "Construction is expected to start early next year.", "Local suppliers said the project could bring hundreds more indirect jobs."],
    },
    {
      t: ["[0] Holiday sales disappoint at {company}", "[1] {company} reports strong festive trading as shoppers return", "[0] Shoppers cut back on {product}, retailers say"],
      lead: ["{company} said like-for-like sales over the holiday period fell {dec:0.5-4.5}%, as shoppers cut back on discretionary spending.", "Festive sales at {company} rose {dec:2.1-8.9}% compared with a year earlier, with online orders growing fastest."],
      s: ["Footfall in city-centre stores was weaker than in retail parks.", "Discounting in the final week before the holiday hit margins.", "[0] The retailer said customers were trading down to own-brand goods.", "{person}, the {exec}, said January sales had started well.", "The company will update investors on its store closure plan in {month}."],
    },
    {
      t: ["Workers at {company} walk out over pay", "Strike halts production at {company} {city} plant", "Pay dispute at {company} escalates"],
      lead: ["About {num:900-4000} workers at the {city} plant of {company} went on strike on {weekday} after rejecting a pay offer of {int:3-5}%.", "Production at {company} has been halted for a {~second|third|fourth} week by a strike over pay and shift patterns."],
      s: ["The union is demanding a rise that matches inflation plus {~one|two|three} percentage points.", "Management said the offer was the best in the industry.", "The stoppage is costing the company an estimated {int:4-15} million dollars a day.", "{person}, a shop steward, said workers felt \"taken for granted\".", "Talks are due to resume with a mediator next week."],
    },
    {
      t: ["[0] {company} chief executive steps down after {int:6-14} years", "[1] {company} names {person} as new boss", "Leadership shake-up at {company} as CEO departs"],
      lead: ["{company} said on {weekday} that its chief executive would step down at the end of the year after {int:6-14} years in charge.", "{company} has appointed {person}, currently head of its operations in {country}, as its next chief executive."],
      s: ["The departing boss oversaw a period of rapid expansion into {product}.", "The board said the succession had been planned for some time.", "Investors have pushed for a sharper strategy after years of flat sales.", "The new chief executive will start on {int:1-28} {month}.", "Shares slipped slightly on the news."],
    },
    {
      t: ["[0] Port congestion delays deliveries for {company}", "Supply chain snarls hit {product} makers", "[0] {company} warns of shortages as shipping delays grow"],
      lead: ["{company} warned customers on {weekday} that deliveries of {product} could be delayed by up to {int:3-8} weeks because of congestion at the port of {city}.", "Manufacturers of {product} are struggling with shortages of parts as shipping schedules fall apart, according to an industry survey."],
      s: ["Container ships have been waiting up to {int:5-14} days for a berth.", "Some firms are paying for air freight to keep production lines running.", "{person}, who runs a distribution company, said costs had doubled since spring.", "The port operator blamed a shortage of crane drivers.", "Retailers fear empty shelves ahead of the busy season."],
    },
    {
      t: ["[0] {city} bakery chain expands to {int:30-80} stores", "[1] Family firm behind {city} cafés signs franchise deal", "[0] From one shop to a chain: {city} bakery grows fast"],
      lead: ["A bakery business that started with a single shop in {city} {int:7-15} years ago now has {int:30-80} outlets and plans to double in size.", "The family-owned café chain founded by {person} in {city} has signed a franchise agreement that will take it into {country}."],
      s: ["The company employs about {int:300-900} people.", "Rising flour and energy prices forced it to raise prices twice last year.", "Founder {person} said the secret was \"doing fewer things, better\".", "The expansion is being financed by a regional development bank loan.", "New stores will open in train stations and shopping centres."],
    },
    {
      t: ["[0] {company} adds {int:8-20} new routes for summer", "[1] Budget carrier {company} opens base in {city}", "{company} bets on leisure travel with new routes"],
      lead: ["{company} will launch {int:8-20} new routes from {city} this summer, including flights to {country} and {country2}.", "{company} is opening a base in {city}, stationing {int:3-8} aircraft there and hiring about {int:150-400} crew."],
      s: ["The airline said bookings for the summer were {int:10-25}% ahead of last year.", "Airport officials welcomed the move as a boost for tourism.", "[0] Fares on the new routes will start at {int:29-59} dollars.", "{person}, the commercial director, said leisure demand had fully recovered.", "Rival carriers are expected to respond with price cuts."],
    },
    {
      t: ["{company} recalls {num:20000-180000} vehicles over brake fault", "Brake defect prompts recall by {company}", "{company} recall to cost {int:40-220} million dollars"],
      lead: ["{company} is recalling {num:20000-180000} vans and cars built between {int:2019-2021} and {int:2022-2024} because of a fault that can weaken the brakes.", "A recall of vehicles by {company} over a brake defect will cost the carmaker an estimated {int:40-220} million dollars, the company said."],
      s: ["Owners will be contacted by letter and repairs will be free.", "The fault was traced to a component from an outside supplier.", "No injuries have been reported, the company said.", "The recall covers vehicles sold in {country} and {country2}.", "The company said it would seek compensation from the supplier."],
    },
    {
      t: ["[0] Regulator blocks {company} purchase of {company2}", "[1] Competition watchdog fines {company} over pricing", "[0] Antitrust concerns derail {company} deal"],
      lead: ["The competition authority blocked the planned purchase of {company2} by {company} on {weekday}, saying the deal would leave customers with too few suppliers of {product}.", "{company} was fined {int:20-140} million dollars by the competition regulator for agreeing prices with rivals over a {int:3-6} year period."],
      s: ["[0] The regulator said the combined firm would control more than half the market.", "{company} said it was disappointed and considering an appeal.", "Customer groups welcomed the decision.", "[1] The investigation began after a whistleblower contacted the authority.", "{person}, a competition lawyer in {city}, said the ruling set a tough precedent."],
    },
  ],
  sample: [
    {
      t: ["Century-old {city} brewery sold to {company}", "{company} buys family brewery in {city}", "Family brewery changes hands after {int:90-140} years"],
      lead: ["A family-owned brewery that has operated in {city} for more than a century has been sold to {company} for an undisclosed sum.", "{company} has agreed to buy a {int:90-140}-year-old family brewery in {city}, the latest in a wave of takeovers of independent brewers."],
      s: ["The brewery employs {int:80-200} people and its beers are sold in {int:300-900} pubs.", "The family said no member of the next generation wanted to take over.", "{person}, the outgoing owner, said the buyer had promised to keep the brand and the site.", "Local drinkers expressed concern that recipes might change.", "Independent brewers have struggled with higher costs for barley, glass and energy.", "The deal is expected to close in {month}.", "Staff will keep their current contracts, the buyer said."],
    },
    {
      t: ["{company} enters administration, putting {int:40-120} stores at risk", "Department store chain {company} collapses", "Administrators seek buyer for {company}"],
      lead: ["{company}, the department store chain, appointed administrators on {weekday}, putting {int:40-120} stores and about {num:3000-9000} jobs at risk.", "The collapse of {company} has left landlords and suppliers owed millions, as administrators search for a buyer for the brand."],
      s: ["Stores will continue trading while a buyer is sought.", "The chain had been hit by falling footfall and rising rents.", "Gift cards will be honoured for the next {int:2-4} weeks.", "{person}, a partner at the administrators, said there had already been interest from several parties.", "Suppliers of {product} said they had stopped shipping goods last month.", "The company last turned a profit {int:4-7} years ago.", "Unions asked the government to help protect pensions."],
    },
    {
      t: ["{company} to move headquarters to {city}", "Head office relocation: {company} picks {city}", "{company} confirms move of {int:600-2000} staff to {city}"],
      lead: ["{company} will move its headquarters from {city2} to {city} over the next two years, relocating about {int:600-2000} staff.", "After months of speculation, {company} confirmed on {weekday} that it will base its head office in {city}."],
      s: ["The company cited lower office costs and better rail links.", "Employees who do not wish to move will be offered remote roles or severance.", "City officials in {city} said the move would bring spending to local shops and restaurants.", "{person}, the {exec}, said the new campus would be built to high energy standards.", "Politicians in {city2} criticised the decision.", "The old headquarters building will be sold.", "The move is expected to be completed by the end of {int:2026-2027}."],
    },
    {
      t: ["Dock workers in {city} win {int:4-9}% pay rise", "Port union and employers sign {int:2-4}-year wage deal", "Strike averted at {city} port after late-night talks"],
      lead: ["Dock workers at the port of {city} have agreed a {int:4-9}% pay rise over two years, ending the threat of a strike that could have disrupted exports.", "Employers and the dockers’ union in {city} signed a wage agreement early on {weekday} after talks that lasted through the night."],
      s: ["The deal also includes limits on weekend shifts.", "Exporters had warned that a strike would cost millions of dollars a day.", "{person}, the union negotiator, said members would vote on the deal next week.", "The port handles about {int:20-45}% of the country’s container traffic.", "Shipping lines had begun to divert vessels to other ports.", "Employers said the agreement would protect competitiveness.", "Automation of cranes remains a point of disagreement."],
    },
    {
      t: ["[0] Wine exports from {country} hit record", "[1] Exporters of {product} find new buyers abroad", "[1] Trade fair in {city} draws record number of buyers"],
      lead: ["Wine exports from {country} reached a record {dec:1.1-4.9} billion dollars last year, driven by demand in Asia and North America, an industry body said.", "A trade fair in {city} attracted buyers from {int:40-80} countries this week, as small producers of {product} seek customers abroad."],
      s: ["[0] Small vineyards said higher transport costs were eating into profits.", "The industry body expects growth to slow this year.", "{person}, who runs a family estate near {city}, said tastings had led to several new contracts.", "Producers are investing in sustainable packaging to meet buyer demands.", "Currency movements helped make exports cheaper for foreign buyers.", "The government has opened new trade offices in {country2}.", "Exhibitors said interest from online retailers was especially strong."],
    },
    {
      t: ["[0] {company} reports record hotel occupancy", "Tourism boom fills hotels run by {company}", "[1] {company} to open {int:10-30} hotels as travel rebounds"],
      lead: ["{company} said average occupancy across its hotels reached {int:78-91}% in the summer quarter, the highest in its history.", "Hotel operator {company} plans to open {int:10-30} new hotels over the next three years, betting that the travel boom will last."],
      s: ["Room rates rose by about {int:6-14}% year on year.", "Business travel has recovered more slowly than holidays.", "The company is struggling to hire enough housekeeping and kitchen staff.", "{person}, the {exec}, said the group would focus on mid-priced city hotels.", "New openings are planned in {city}, {city2} and {city3}.", "Some of the expansion will be through franchise agreements.", "Energy costs remain the largest risk to margins, the company said."],
    },
    {
      t: ["[0] {company} launches in {country} with {int:20-60} stores", "[1] Rebrand for {company} as it targets younger shoppers", "[0] {company} brings {product} to {country}"],
      lead: ["{company} will open {int:20-60} stores in {country} over the next year, its first expansion outside its home market.", "{company} unveiled a new logo and store design on {weekday}, part of a push to attract younger customers."],
      s: ["[0] The first store will open in {city} in {month}.", "[0] The company has hired a local partner to handle logistics.", "{person}, the {exec}, said research showed strong interest in its {product}.", "Analysts said the market was crowded with established rivals.", "[1] The rebrand will cost about {int:15-60} million dollars.", "[0] Online sales will launch at the same time as the first stores.", "[0] The company aims to make the new market profitable within {int:2-4} years.", "[1] Focus groups of shoppers under 30 helped shape the new look.", "[1] Stores will be refitted over the next {int:12-24} months."],
    },
    {
      t: ["Dairy farmers protest over supermarket milk prices", "[1] {company} and farmers clash over supply contracts", "[0] Farmers block distribution centre in price dispute"],
      lead: ["Dairy farmers blocked a supermarket distribution centre near {city} on {weekday}, saying the price they receive for milk no longer covers their costs.", "A dispute between {company} and hundreds of farmers over supply contracts has escalated, with growers threatening to halt deliveries."],
      s: ["Farmers say they receive about {int:30-42} cents a litre, below the cost of production.", "The supermarket said it paid fair prices and had offered longer contracts.", "{person}, who keeps {int:90-300} cows, said many farms would close within a year.", "The farmers want an independent body to review contracts.", "Shelves in some stores were briefly short of milk and cheese.", "The agriculture ministry has offered to mediate.", "Feed and fertiliser costs have risen sharply over two years."],
    },
  ],
};
