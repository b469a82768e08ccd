export default {
  pools: {
    party: ["the Social Democrats", "the Reform Party", "the National Alliance", "the Greens", "the Liberal Union", "the People's Coalition", "the Labour Front", "the Christian Democrats", "the Civic Movement", "the Progressive Bloc"],
    chamber: ["the Senate", "the lower house", "parliament", "the National Assembly", "the state legislature", "the upper house"],
    policy: ["housing reform", "the pension overhaul", "a border security package", "the electoral reform bill", "a new anti-corruption law", "the regional devolution plan", "stricter voter ID rules", "a public sector pay settlement", "the defence spending bill", "campaign finance limits", "the asylum processing law", "a ban on corporate donations"],
    ministry: ["interior", "justice", "defence", "transport", "foreign affairs", "housing", "agriculture", "labour"],
    state: ["Westland", "Carrow County", "the Northern Territory", "Lower Marsh province", "the Eastern Cape region", "Alder state"],
  },
  train: [
    {
      t: ["{^party} claims narrow win in {country} general election", "Vote count confirms victory for {party} as turnout reaches {int:55-78}%", "{country} election: {party} edges ahead, coalition talks loom"],
      lead: ["{^party} won {int:110-160} of {int:300-350} seats in {country}'s general election, according to official results released on {weekday}.", "Official results published on {weekday} gave {party} the largest share of seats in {country}'s parliament, though short of an outright majority."],
      s: ["Turnout reached {int:55-78}%, the highest since {int:1994-2012}.", "Party leader {person} told supporters in {city} that voters had backed {policy}.", "Coalition talks are expected to begin next week, with {party2} seen as the most likely partner.", "International observers reported no serious irregularities at polling stations.", "The outgoing prime minister conceded defeat in a short televised address from {city}."],
    },
    {
      t: ["{^chamber} passes {policy} after {int:9-16}-hour debate", "Lawmakers approve {policy} in {int:51-60}-{int:38-49} vote", "{^policy} clears {chamber} despite opposition walkout"],
      lead: ["{^chamber} approved {policy} by {int:51-60} votes to {int:38-49} late on {weekday}, ending months of wrangling between the governing coalition and the opposition.", "After a debate that ran past midnight, {chamber} voted to pass {policy}, sending the measure to the head of state for signature."],
      s: ["Opposition members walked out before the final vote, calling the process rushed.", "{person}, who steered the bill through committee, said the law would be reviewed after {int:2-5} years.", "{^party2} said it would challenge parts of the measure in the constitutional court.", "Amendments on regional exemptions were rejected in an earlier round of voting.", "Civil liberties groups had lobbied against several clauses."],
    },
    {
      t: ["[0] {^ministry} minister resigns amid expenses inquiry", "[1] {person} quits cabinet after leaked messages", "Pressure mounts on government as {ministry} minister steps down"],
      lead: ["{country}'s {ministry} minister, {person}, resigned on {weekday} after an ethics watchdog opened an inquiry into expense claims dating back {int:2-6} years.", "{person} stepped down as {ministry} minister hours after newspapers published messages suggesting a contract had been steered to a party donor."],
      s: ["In a resignation letter, {person.last} denied wrongdoing but said the matter had become a distraction.", "The prime minister accepted the resignation and appointed {person2} as interim replacement.", "Opposition leaders demanded a full parliamentary hearing.", "It is the {~second|third|fourth} cabinet departure this year.", "[0] The ethics commissioner is expected to report within {int:6-12} weeks."],
    },
    {
      t: ["{city} mayoral race tightens as {person} gains in polls", "Poll: {person} and {person2} neck and neck in {city} mayor contest", "Debate sharpens {city} mayoral race over transit and rents"],
      lead: ["A new survey shows {person} within {~one|two|three} points of incumbent mayor {person2} ahead of the {city} municipal election in {month}.", "The race to lead {city} city hall has narrowed sharply, with challenger {person} drawing level with mayor {person2} in the latest poll."],
      s: ["Housing costs and bus service cuts dominate voter concerns, the pollster said.", "{person.last} has promised to freeze council rents for {int:2-4} years if elected.", "The mayor's campaign points to a balanced budget and new cycle lanes.", "About {int:15-25}% of likely voters remain undecided.", "Early voting opens on {weekday}."],
    },
    {
      t: ["Thousands protest in {city} against {policy}", "Demonstrators march on parliament over {policy}", "Police estimate {num:8000-40000} at {city} rally against government plan"],
      lead: ["Thousands of people marched through central {city} on {weekday} to protest against {policy}, which the government plans to bring to a vote this month.", "Police estimated that {num:8000-40000} demonstrators gathered outside parliament in {city} to oppose {policy}."],
      s: ["Trade unions and student groups organised the march.", "Organisers said the plan had been drafted without public consultation.", "A government spokesperson said the right to protest was respected but the reform would go ahead.", "Police said {int:3-20} people were detained after scuffles near the interior ministry.", "Further rallies are planned in {city2} next weekend."],
    },
    {
      t: ["[0] Government survives no-confidence vote by {int:2-9} votes", "[1] {country} coalition collapses as {party} walks out", "[1] Prime minister faces early election after coalition rift"],
      lead: ["The government of {country} survived a no-confidence motion on {weekday} by {int:2-9} votes after two independent members abstained.", "{country}'s governing coalition collapsed after {party} withdrew its ministers over a dispute about {policy}."],
      s: ["[0] The prime minister called the result a mandate to press on with the legislative agenda.", "Analysts say an early election in the autumn is now likely.", "{person}, leader of {party2}, accused the government of clinging to power.", "The president is expected to consult party leaders before deciding whether to dissolve parliament.", "Opinion polls suggest no party would win a majority if elections were held now."],
    },
    {
      t: ["[0] Leaders of {country} and {country2} agree border talks at summit", "{country} and {country2} sign cooperation pact", "[1] Foreign ministers meet in {city} to ease diplomatic tensions"],
      lead: ["The leaders of {country} and {country2} agreed on {weekday} to restart talks on their disputed border, following a two-day summit in {city}.", "Foreign ministers from {country} and {country2} met in {city} in an effort to repair relations strained by a row over fishing rights and visas."],
      s: ["A joint statement promised a working group to report within {int:3-9} months.", "Both sides agreed to reopen consulates closed last year.", "Opposition politicians in {country2} criticised the deal as a concession.", "{person}, a former ambassador, said the talks were \"a first step, nothing more\".", "The next round of talks is scheduled for {month}."],
    },
    {
      t: ["Court strikes down electoral map in {state}", "Judges order {state} to redraw voting districts", "Redistricting ruling upends {state} election plans"],
      lead: ["A constitutional court ruled on {weekday} that the electoral map drawn for {state} diluted the votes of minority communities and must be redrawn before the next election.", "Judges ordered {state} to redraw its voting districts within {int:60-120} days, saying the current boundaries unfairly favoured the governing party."],
      s: ["The ruling affects {int:6-14} constituencies.", "State officials said they would appeal.", "Voting rights campaigners called it a landmark decision.", "{person}, who led the legal challenge, said the map had packed opposition voters into a handful of districts.", "Electoral officials warned that a tight timetable could delay candidate registration."],
    },
    {
      t: ["[0] Budget standoff threatens government shutdown", "[0] Lawmakers miss deadline as budget talks stall", "[1] Coalition partners clash over spending plan"],
      lead: ["Negotiations over the annual budget collapsed on {weekday}, raising the prospect that some government services could close when temporary funding expires in {int:5-12} days.", "Coalition partners failed to agree on the spending plan, with {party} refusing to back cuts to regional hospitals."],
      s: ["The opposition said it would not lend its votes to a stopgap bill.", "The {ministry} ministry has drawn up contingency plans for a partial shutdown.", "{person}, the chief whip, said talks would resume after the weekend.", "Public sector unions warned of strikes if pay is frozen.", "A similar dispute {int:2-4} years ago left offices closed for nine days."],
    },
    {
      t: ["[0] Watchdog probes {party} over undeclared donations", "[1] Campaign finance investigation widens to {int:3-8} lawmakers", "Donations probe puts pressure on party leadership"],
      lead: ["The electoral commission has opened an investigation into {party} over donations of more than {num:200000-900000} dollars that were not declared during the last campaign.", "An investigation into undeclared political donations has widened to include {int:3-8} sitting lawmakers, the electoral watchdog said on {weekday}."],
      s: ["[0] The party treasurer said the omissions were administrative errors.", "Anti-corruption campaigners called for a cap on private donations.", "The commission can impose fines and refer cases to prosecutors.", "{person}, a member of the ethics committee, said the rules were \"full of loopholes\".", "[0] The party has suspended a regional fundraiser pending the outcome."],
    },
    {
      t: ["{country} to hold referendum on {policy}", "Voters to decide on {policy} in {month} referendum", "Referendum date set as campaigns launch"],
      lead: ["The government of {country} announced on {weekday} that voters will decide on {policy} in a national referendum in {month}.", "A referendum on {policy} will take place in {month}, the prime minister told parliament, ending weeks of speculation."],
      s: ["Both campaigns must register with the electoral commission within {int:10-30} days.", "Polls suggest the public is almost evenly divided.", "{party2} said it would campaign against the proposal.", "A turnout threshold of {int:40-50}% applies for the result to be binding.", "Constitutional experts questioned the wording of the ballot question."],
    },
    {
      t: ["[0] Prime minister's approval rating falls to {int:24-35}%", "Poll shows voters souring on government", "[1] Support for {party} slips as cost-of-living worries grow"],
      lead: ["Approval of the prime minister has fallen to {int:24-35}%, the lowest since the government took office, according to a survey of {num:1200-3000} adults published on {weekday}.", "Support for {party} has dropped {int:4-9} points in a month, a new poll shows, as voters blame the government for rising prices."],
      s: ["{^party2} now leads in {int:3-6} of the country's {int:8-12} regions.", "Voters aged under 35 were the most critical.", "Government strategists privately concede the handling of {policy} has hurt.", "The poll has a margin of error of about {int:2-3} percentage points.", "The next general election is due in {int:14-30} months."],
    },
  ],
  sample: [
    {
      t: ["Candidates clash over {policy} in televised debate", "Presidential debate: sharp exchanges on {policy} and corruption", "Five takeaways from the {country} presidential debate"],
      lead: ["The two leading presidential candidates in {country} traded accusations over {policy} and government corruption in a televised debate on {weekday} night.", "{person} and {person2} met on stage in {city} for the only debate before {country}'s presidential runoff."],
      s: ["{person.last} accused the government of wasting public money on consultants.", "{person2.last} said the challenger had no experience of running a ministry.", "Moderators pressed both candidates on how they would finance promised pension increases.", "The debate drew an estimated {dec:2.1-6.9} million viewers.", "Snap polls after the broadcast were split on who had performed better.", "The runoff takes place in {int:10-20} days.", "Campaign teams immediately began cutting clips for social media."],
    },
    {
      t: ["[0] Governor vetoes {policy} passed by {state} legislature", "[1] {state} governor signs {policy} into law", "[0] Veto sets up showdown in {state} capitol"],
      lead: ["Governor {person} vetoed {policy} on {weekday}, saying the measure passed by the {state} legislature would be impossible to enforce.", "The governor of {state}, {person}, signed {policy} into law at a ceremony in the state capitol on {weekday}."],
      s: ["[0] Lawmakers need a two-thirds majority in both chambers to override the veto.", "Supporters of the bill had gathered {num:1000-5000} signatures urging the governor to act.", "[0] {person.last}'s office said a revised proposal would be sent to the legislature next session.", "Local officials said they needed more money to implement the changes.", "Business groups welcomed the decision, while advocacy groups were divided.", "The measure had passed the assembly with support from both parties.", "[0] {person2}, the senate majority leader, called the decision disappointing."],
    },
    {
      t: ["Prime minister reshuffles cabinet, names new {ministry} minister", "Cabinet shake-up brings new faces to key ministries", "Reshuffle seen as bid to reset struggling government"],
      lead: ["The prime minister of {country} announced a cabinet reshuffle on {weekday}, replacing {int:4-7} ministers including the heads of the {ministry} and {ministry2} departments.", "In a long-anticipated shake-up, {person} was named {ministry} minister, replacing a veteran who had served since the coalition took office."],
      s: ["The reshuffle follows weeks of poor poll numbers and internal criticism.", "Several younger lawmakers were promoted to junior roles.", "{person2} keeps the finance portfolio despite calls from backbenchers for a change.", "Opposition parties dismissed the changes as rearranging deckchairs.", "The new ministers will be sworn in at the presidential palace on {weekday}.", "The number of women in cabinet rises to {int:7-11}.", "Commentators said the move was aimed at calming coalition partners."],
    },
    {
      t: ["Parliamentary committee grills officials over contract scandal", "Hearing exposes gaps in procurement oversight", "Lawmakers demand documents in {ministry} ministry inquiry"],
      lead: ["Senior civil servants from the {ministry} ministry faced hours of questioning from a parliamentary committee on {weekday} over a {num:20-90} million dollar contract awarded without a tender.", "A cross-party committee investigating procurement at the {ministry} ministry heard that warnings about the contract were ignored."],
      s: ["The committee chair, {person}, said documents had been handed over late and heavily redacted.", "One official admitted that due diligence on the supplier took less than a week.", "{person2}, a former adviser, told the committee the minister's office had pushed for speed.", "The committee has summoned the minister to appear next month.", "Opposition members called for the contract to be suspended.", "A final report is due before the summer recess.", "The ministry said it was cooperating fully with the inquiry."],
    },
    {
      t: ["[0] {city} council votes to rezone industrial land for housing", "[1] Council split over {city} rezoning plan", "[1] Residents pack town hall as {city} debates zoning change"],
      lead: ["{city} city council voted {int:7-11} to {int:4-6} on {weekday} to rezone a former industrial district for up to {num:3000-9000} homes.", "Residents filled the public gallery as {city} councillors debated a plan to allow apartment blocks in neighbourhoods zoned for single houses."],
      s: ["Supporters said the change was the fastest way to ease rents.", "Opponents warned of pressure on schools and roads.", "Councillor {person} said the plan included a quota of affordable units.", "The mayor, {person2}, has made housing supply the centrepiece of the administration.", "A legal challenge from a neighbourhood association is expected.", "[0] The decision must still be approved by the regional planning authority.", "The council meeting ran for more than six hours."],
    },
    {
      t: ["{person} launches bid for party leadership", "Former minister enters race to lead {party}", "Leadership contest opens at {party}"],
      lead: ["Former {ministry} minister {person} announced on {weekday} a bid for the leadership of {party}, promising to reconnect with voters outside the big cities.", "{^party} has opened nominations for a new leader after its heavy defeat in regional elections, and {person} was the first to declare."],
      s: ["Candidates need backing from {int:15-25}% of the parliamentary group to make the ballot.", "{person.last} launched the campaign at a factory in {city}.", "Party members will vote online over {int:2-4} weeks.", "{person2} is expected to announce a rival bid within days.", "Grassroots members have complained that the party ignored them.", "The winner will be declared at a special conference in {month}.", "The outgoing leader has said there will be no endorsement of any candidate."],
    },
    {
      t: ["[0] Government unveils tougher asylum rules", "[1] {country} to cap work visas under new immigration plan", "Immigration overhaul draws criticism from rights groups"],
      lead: ["The government of {country} unveiled plans on {weekday} to speed up asylum decisions and tighten rules on family reunification.", "{country} will cap work visas at {num:40000-120000} a year under an immigration plan presented to parliament by the {ministry} minister."],
      s: ["[0] Ministers said the changes would cut waiting times for decisions to {int:3-6} months.", "[0] Refugee charities warned that vulnerable people would be turned away.", "[1] Employers in farming and care homes said they already struggled to hire.", "The plan needs the support of {party} to pass.", "{person}, the minister responsible, said the system had lost public trust.", "The proposals will be debated in {chamber} next month.", "Regional governments asked for more funding to house new arrivals."],
    },
    {
      t: ["[0] {country} ratifies trade and security treaty with {country2}", "[0] Parliament approves treaty after heated debate", "[1] Lawmakers in {country} back new sanctions package"],
      lead: ["{country}'s parliament voted on {weekday} to ratify a security and trade treaty with {country2}, two years after the agreement was signed.", "Lawmakers in {country} approved a new package of sanctions targeting officials accused of undermining elections in a neighbouring state."],
      s: ["[0] The treaty passed with {int:180-240} votes in favour.", "[0] Critics said the agreement gave too much away on agricultural access.", "[0] The foreign minister, {person}, called it \"a signal of trust between our peoples\".", "[1] The sanctions include asset freezes and travel bans on {int:12-40} individuals.", "[0] Diplomats from {country2} welcomed the vote.", "[0] The agreement will enter into force once both sides exchange documents.", "A small group of nationalist members voted against.", "[1] The measures were coordinated with several neighbouring countries.", "[1] Officials named in the package have denied wrongdoing.", "[1] The foreign ministry said further steps were possible if the situation worsened."],
    },
  ],
};
