export default {
  pools: {
    region: ["the Alps", "southern Europe", "the Andes", "northern Canada", "the Sahel", "south-east Australia", "the Himalayas", "the Mediterranean basin", "the Pacific north-west", "the Arctic"],
    glacier: ["the Rhona glacier", "the Vatna ice cap", "the Pasterze glacier", "the Tasman glacier", "the Grey glacier"],
    energyco: ["Nordvik Energy", "Solara Power", "Windmere Renewables", "Aurel Grid", "Baltic Offshore Wind"],
  },
  train: [
    {
      t: ["[0] {country} records hottest day as heatwave grips {region}", "[0] Temperature record broken in {city} at {dec:41.1-47.9}C", "[1] Climate change made heatwave far more likely, scientists say"],
      lead: ["Temperatures reached {dec:41.1-47.9} degrees Celsius in {city} on {weekday}, a national record for {country}, as a heatwave spread across {region}.", "The heatwave that scorched {region} last week would have been virtually impossible without human-caused climate change, according to a rapid attribution analysis."],
      s: ["Night-time temperatures stayed above {int:26-31} degrees in several cities.", "Scientists said burning fossil fuels had made such heat about {int:2-4} degrees hotter.", "{person}, a climate scientist, said extreme heat would become routine without deep emission cuts.", "[0] The previous record was set only {int:3-6} years ago.", "Forecasters expect the heat to ease by the weekend."],
    },
    {
      t: ["[0] Nations agree to speed up emissions cuts at climate summit", "[1] {country} pledges net zero by {int:2040-2050}", "[0] Climate talks end with deal on fossil fuel transition"],
      lead: ["Negotiators from nearly 200 countries agreed in {city} on {weekday} to accelerate the transition away from fossil fuels, after talks ran {~a day|two days} over schedule.", "{country} committed to reaching net zero greenhouse gas emissions by {int:2040-2050} and cutting emissions {int:45-65}% by 2035."],
      s: ["[0] Small island states said the deal did not go far enough.", "[0] Richer nations promised more money to help poorer countries adapt.", "[0] {person}, a climate negotiator, said the language on coal was weaker than hoped.", "Scientists say global emissions must fall by about 43% this decade to limit warming to 1.5C.", "[0] Campaigners staged protests outside the venue.", "[1] The plan includes phasing out coal power by {int:2030-2035}.", "[1] Opposition parties said the target lacked a clear roadmap.", "[1] Business groups asked for support to cut emissions in heavy industry."],
    },
    {
      t: ["[0] Wildfires burn {num:20000-150000} hectares in {region}", "[1] Thousands evacuated as wildfires spread near {city}", "Fire season starts earlier and lasts longer, data shows"],
      lead: ["Wildfires have burned more than {num:20000-150000} hectares in {region} this month, forcing thousands of people to leave their homes.", "Firefighters near {city} battled blazes fanned by strong winds and a long drought, as officials ordered the evacuation of {int:6-20} villages."],
      s: ["Hot, dry conditions linked to climate change have lengthened the fire season.", "Water-bombing aircraft were sent from {country2}.", "{person}, a fire ecologist, said forests were drier than at any point in records.", "Smoke caused air quality warnings hundreds of kilometres away.", "Emissions from the fires add to the carbon in the atmosphere."],
    },
    {
      t: ["[0] Record rainfall triggers floods in {city}", "[0] Month’s worth of rain falls in a day in {region}", "[0] Floods force {num:5000-40000} from homes", "[1] Rivers burst their banks across {region} after days of rain"],
      lead: ["More than a month’s average rainfall fell on {city} in {int:12-24} hours, flooding streets and forcing {num:5000-40000} people from their homes.", "Rivers burst their banks across {region} after days of torrential rain, which meteorologists linked to a warmer atmosphere holding more moisture."],
      s: ["Every degree of warming allows the air to hold about 7% more water vapour.", "Rescue teams used boats to reach stranded residents.", "{person}, a hydrologist, said flood defences were designed for a climate that no longer exists.", "Farmers lost crops and livestock.", "The government declared a state of emergency in {int:3-9} districts."],
    },
    {
      t: ["[0] {^glacier} lost {int:2-6}% of its volume in one year", "[0] Alpine glaciers shrink at record pace", "[1] Arctic sea ice reaches one of its lowest extents"],
      lead: ["{^glacier} lost about {int:2-6}% of its remaining ice volume in a single year, according to monitoring data released on {weekday}.", "Arctic sea ice shrank to one of its smallest summer extents since satellite records began in the late 1970s, climate monitoring agencies said."],
      s: ["[0] Warm summers and little winter snow accelerated the melt.", "[0] Glacier loss threatens water supplies for farms and cities downstream.", "[0] {person}, a glaciologist, said many smaller glaciers would disappear this century.", "[0] Melting land ice contributes to rising sea levels.", "[1] Less ice means darker water absorbs more heat, speeding warming.", "[1] The ice cover was about {dec:1.5-2.5} million square kilometres below the 1981-2010 average.", "[1] Thinner ice breaks up more easily in summer storms."],
    },
    {
      t: ["[0] Wind and solar supply record share of {country}’s power", "[1] Renewables overtake fossil fuels in {country} electricity mix", "Clean power milestone for {country} grid"],
      lead: ["Wind and solar farms generated {int:42-68}% of the electricity used in {country} last year, a record that helped cut power-sector emissions by {int:8-20}%.", "Renewable energy produced more of {country}’s electricity than fossil fuels for the first time in the first half of the year, according to grid data."],
      s: ["Coal generation fell to its lowest level in decades.", "Grid operators are investing in batteries to store excess power.", "{person}, an energy analyst, said the pace of new wind farms must double to meet climate targets.", "Gas plants still provide backup when wind is weak.", "Emissions from electricity have fallen by half since {int:2005-2012}."],
    },
    {
      t: ["Last coal-fired power station in {country} to close", "{energyco} shuts coal plant ahead of schedule", "Coal town plans future after power station closure"],
      lead: ["The last coal-fired power station in {country} will close in {month}, {int:2-5} years ahead of schedule, its owner {energyco} said.", "A coal power plant near {city} has shut down, cutting the country’s annual carbon emissions by about {int:3-9} million tonnes."],
      s: ["Workers will be offered jobs at a new battery storage site.", "The site will be used for a solar farm.", "{person}, the local mayor, said the town needed help to attract new employers.", "Environmental groups welcomed the closure as a milestone.", "The plant ran for more than {int:40-55} years."],
    },
    {
      t: ["[0] Drought forces water restrictions in {city}", "[0] Reservoirs fall to {int:15-30}% as drought deepens", "[1] Farmers in {region} face worst drought in decades"],
      lead: ["Residents of {city} face limits on watering gardens and washing cars after reservoirs fell to {int:15-30}% of capacity following a third dry winter.", "Farmers across {region} say the drought is the worst in living memory, with rainfall less than half the long-term average."],
      s: ["Climate models project longer and more intense droughts in the region.", "Some villages are receiving water by tanker.", "{person}, who grows olives and almonds, said trees were dying.", "The water authority is planning a desalination plant.", "Hydroelectric output has fallen sharply."],
    },
    {
      t: ["[0] Industry emissions fall {int:5-12}% under carbon trading scheme", "[1] Steelmakers cut emissions with hydrogen furnaces", "Heavy industry under pressure to cut carbon"],
      lead: ["Greenhouse gas emissions from factories and power plants covered by the emissions trading scheme fell {int:5-12}% last year, official data show.", "A steelworks near {city} has started producing steel with hydrogen instead of coal, cutting emissions from the process by up to {int:80-95}%."],
      s: ["Heavy industry accounts for about a fifth of national emissions.", "[0] Companies must buy permits for each tonne of carbon dioxide they emit.", "{person}, a climate policy researcher, said the cuts need to accelerate.", "[1] The hydrogen is produced with renewable electricity.", "[0] Environmental groups warned some reductions came from lower production rather than cleaner technology."],
    },
    {
      t: ["[0] Rising seas force coastal village to plan retreat", "Sea level rise threatens {city} waterfront", "Coastal erosion claims homes in {country}"],
      lead: ["Residents of a fishing village near {city} have voted to relocate inland as rising seas and storm surges repeatedly flood their homes.", "Sea levels along the coast of {country} have risen about {int:15-25} centimetres since 1900, and the rate is accelerating, a government report found."],
      s: ["Several houses have already fallen into the sea after cliffs collapsed.", "[0] The government will pay for new homes on higher ground.", "{person}, a coastal scientist, said defences cannot protect every community.", "Global sea level rise is driven by melting ice and warming oceans.", "Insurers have begun refusing cover for some seafront properties."],
    },
    {
      t: ["Mass coral bleaching hits reefs off {country}", "Marine heatwave bleaches {int:40-80}% of reef", "Scientists fear for reefs as ocean temperatures soar"],
      lead: ["Surveys of reefs off {country} found that {int:40-80}% of coral had bleached after months of unusually warm sea temperatures.", "A marine heatwave in the waters off {country} has triggered mass coral bleaching, the {~third|fourth|fifth} such event in a decade."],
      s: ["Bleached corals can recover if temperatures fall quickly.", "Ocean temperatures were {dec:1.5-3.5} degrees above normal.", "{person}, a marine biologist, said reefs need time between heat events to recover.", "Tourism operators worry about the impact on visitors.", "Reefs support about a quarter of marine species."],
    },
    {
      t: ["[0] Satellites spot huge methane leaks from gas fields", "[0] Methane emissions from oil and gas underestimated, study says", "[1] New rules target methane from landfill sites"],
      lead: ["Satellite data revealed dozens of large methane leaks from gas fields in {region}, releasing a greenhouse gas far more potent than carbon dioxide in the short term.", "New rules will require landfill operators in {country} to capture methane from decomposing waste."],
      s: ["Methane is responsible for about a third of the warming to date.", "[0] Many leaks come from faulty valves and deliberate venting.", "{person}, an atmospheric scientist, said fixing leaks is one of the cheapest climate actions.", "[0] Companies will face fines for leaks that are not repaired.", "Countries pledged to cut methane emissions 30% by 2030."],
    },
  ],
  sample: [
    {
      t: ["[0] Forecasters predict above-normal hurricane season", "[0] Warm oceans could fuel stronger storms this year", "[1] Cyclone makes landfall with winds of {int:180-250} km/h"],
      lead: ["Forecasters expect an above-normal hurricane season, with {int:16-24} named storms, because of record-warm ocean temperatures.", "A powerful cyclone made landfall near {city} on {weekday} with winds of {int:180-250} kilometres per hour, after strengthening rapidly over warm water."],
      s: ["Warmer seas give storms more energy and moisture.", "Rapid intensification leaves less time for evacuations.", "{person}, a meteorologist, said storms are also moving more slowly, dumping more rain.", "[1] Authorities opened hundreds of shelters.", "[1] Power was cut to about {num:200000-900000} homes.", "[1] Storm surge flooded low-lying neighbourhoods.", "[1] Emergency teams will assess damage once winds ease.", "[0] The season officially runs from June to November.", "[0] Emergency planners urged coastal residents to prepare evacuation plans early."],
    },
    {
      t: ["[0] Heat pump sales jump as households ditch gas boilers", "[1] Government doubles grants for home insulation", "Cutting emissions from homes proves slow"],
      lead: ["Sales of heat pumps in {country} rose {int:30-70}% last year, as households replaced gas boilers with electric heating to cut bills and emissions.", "The government of {country} will double grants for insulation and heat pumps, part of its plan to cut emissions from buildings."],
      s: ["Heating homes accounts for about {int:12-18}% of national emissions.", "A shortage of trained installers is slowing progress.", "{person}, who installed a heat pump last winter, said the house has been warmer and cheaper to heat.", "Older homes often need insulation before a heat pump works well.", "[1] Grants will cover up to {int:40-60}% of installation costs.", "New homes will not be allowed gas boilers from {int:2026-2028}.", "Energy advisers will offer free home visits."],
    },
    {
      t: ["[0] Deforestation in {country} falls to lowest level in years", "Satellite data show forest loss slowing", "Illegal logging still threatens rainforest"],
      lead: ["Forest clearing in {country} fell by about {int:20-45}% last year, according to satellite monitoring, after authorities stepped up enforcement.", "New satellite analysis shows that tropical forest loss slowed in some countries but accelerated in others, driven by farming and fires."],
      s: ["Forests absorb large amounts of carbon dioxide.", "Cattle ranching and soy farming are major drivers of clearing.", "{person}, a forest researcher, said gains could easily reverse.", "Indigenous territories had the lowest rates of loss.", "Fires during drought years release huge amounts of carbon.", "Rich countries have pledged money to protect standing forests.", "Environmental agents seized illegal timber worth millions."],
    },
    {
      t: ["[0] Young activists win climate case against government", "[0] Court orders {country} to strengthen climate plan", "[1] Teenagers take government to court over emissions"],
      lead: ["A court in {country} ruled on {weekday} that the government’s climate plan violates the rights of young people and must be strengthened within a year.", "A group of teenagers has taken the government of {country} to court, arguing that weak emissions targets threaten their future."],
      s: ["The plaintiffs are aged between {int:11-14} and {int:19-22}.", "Lawyers argued that the targets were inconsistent with climate science.", "[0] {person}, one of the young plaintiffs, said the ruling was a victory for future generations.", "[0] The government said it would study the judgment.", "Similar cases have been brought in several countries.", "Legal experts said the case could influence courts elsewhere.", "Campaigners gathered outside the courthouse."],
    },
    {
      t: ["[0] {city} plants {num:20000-100000} trees to cool hot streets", "[1] City unveils plan to adapt to hotter summers", "Cooling centres and shade: {city} prepares for heat"],
      lead: ["{city} will plant {num:20000-100000} trees over five years as part of a plan to cool neighbourhoods that are becoming dangerously hot in summer.", "City leaders in {city} unveiled a climate adaptation plan on {weekday} that includes shade structures, green roofs and better drainage."],
      s: ["Some neighbourhoods are up to {int:5-9} degrees hotter than nearby parks.", "Paved surfaces will be replaced with materials that reflect heat.", "{person}, the city’s climate officer, said poorer districts will be prioritised.", "Drainage upgrades aim to cope with heavier rainstorms.", "The plan costs about {int:200-800} million dollars.", "Residents can request a street tree through an app.", "Schools will get shaded playgrounds."],
    },
    {
      t: ["Thawing permafrost damages roads and homes in the north", "Permafrost thaw releases ancient carbon", "Northern towns struggle as frozen ground softens"],
      lead: ["Thawing permafrost is cracking roads, tilting buildings and damaging pipelines across northern regions, according to a report by engineers.", "Scientists measuring permafrost in {region} found that frozen ground is thawing faster than expected, releasing carbon dioxide and methane."],
      s: ["Permafrost stores about twice as much carbon as the atmosphere.", "The Arctic is warming about four times faster than the global average.", "{person}, a permafrost researcher, said the thaw could speed up warming.", "Repairs to infrastructure could cost billions.", "Some communities are considering relocation.", "Lakes are draining as the ground beneath them thaws.", "Monitoring stations have recorded the highest ground temperatures on record."],
    },
    {
      t: ["[0] Giant offshore wind farm approved off {country}", "[1] {energyco} wins contract for {int:1-3} gigawatt wind farm", "[0] Offshore wind to power {num:1000000-3000000} homes"],
      lead: ["Authorities in {country} approved an offshore wind farm of {int:1-3} gigawatts, enough to power about {num:1000000-3000000} homes, to be built by {energyco}.", "{energyco} won a government auction to build a large wind farm off the coast, part of the country’s plan to cut power-sector emissions."],
      s: ["The turbines will stand about {int:250-300} metres tall.", "Fishing groups raised concerns about access to grounds.", "{person}, an energy analyst, said offshore wind costs have risen but remain competitive.", "The wind farm should start generating power in {int:2028-2031}.", "A new port facility will be built to assemble turbines.", "Environmental studies will monitor birds and marine mammals.", "The project will avoid millions of tonnes of carbon emissions a year."],
    },
    {
      t: ["[0] Last year was the hottest on record, monitoring agencies say", "[0] Global temperature passes 1.5C for a full year", "[1] Climate report: greenhouse gas concentrations hit new high"],
      lead: ["Last year was the hottest since records began, with global average temperatures about {dec:1.4-1.6} degrees above pre-industrial levels, climate monitoring agencies said.", "Concentrations of carbon dioxide in the atmosphere reached a new high last year, according to an annual report on greenhouse gases."],
      s: ["[0] The warming was driven by greenhouse gas emissions and boosted by a natural El Nino pattern.", "Ocean heat content also reached record levels.", "{person}, a climate scientist, said each fraction of a degree brings more extreme weather.", "[0] The Paris Agreement goal refers to long-term averages, not a single year.", "Emissions from fossil fuels rose again slightly.", "Scientists warned that records are likely to be broken again soon.", "The report used data from thousands of weather stations and ships."],
    },
  ],
};
