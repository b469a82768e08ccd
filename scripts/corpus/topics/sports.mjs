export default {
  pools: {
    club: ["Riverside FC", "Northgate United", "Atletico Solana", "Harbour City Rovers", "Eastbrook Athletic", "Real Cordova", "Kingsport Wanderers", "Valley Rangers", "Portmore Town", "Sporting Alameda", "Westmoor City", "Dynamo Kessel"],
    hoops: ["the Ironclads", "the Comets", "the Harbor Hawks", "the Desert Foxes", "the Lakeshore Kings", "the Summit Bears"],
    venue: ["the national stadium", "the Olympic Park", "the old harbour ground", "the city arena", "the riverside stadium"],
  },
  train: [
    {
      t: ["[0] {club} beat {club2} {int:2-4}-{int:0-1} to go top of the league", "[1] Late winner lifts {club} past {club2}", "{club2} stunned at home by {club}"],
      lead: ["{club} moved to the top of the league table with a {int:2-4}-{int:0-1} win over {club2} on {weekday}, with {person} scoring twice.", "A stoppage-time header from {person} gave {club} a dramatic victory over {club2} in front of {num:18000-62000} fans."],
      s: ["The visitors had a goal ruled out for offside in the first half.", "{club2} have now gone {~three|four|five|six} matches without a win.", "The coach praised the team’s pressing after the break.", "{person2} was sent off after a second yellow card.", "The two sides meet again in the cup quarter-final next month."],
    },
    {
      t: ["{person} wins {city} Open title in three sets", "{person} claims first major tennis trophy", "[1] Comeback victory for {person} in {city} final"],
      lead: ["{person} won the {city} Open on {weekday}, beating {person2} {int:6-7}-{int:3-4}, {int:3-4}-6, 6-{int:1-4} in a final that lasted nearly three hours.", "Saving two match points, {person} came back from a set down to beat {person2} and lift the trophy in {city}."],
      s: ["It is the first title of the season for the {int:21-29}-year-old.", "The winner served {int:9-21} aces and broke serve five times.", "The runner-up needed treatment on a shoulder injury during the second set.", "The victory lifts the champion into the world top ten.", "The tournament offered record prize money this year."],
    },
    {
      t: ["[0] {person} breaks course record at {city} marathon", "[0] Record falls as {person} wins {city} marathon", "[1] Home runner {person} takes marathon title in {city}"],
      lead: ["{person} of {country} won the {city} marathon on {weekday} in 2 hours {int:3-9} minutes, breaking the course record by {int:11-58} seconds.", "Running alone for the final ten kilometres, {person} won the {city} marathon ahead of a field of more than {num:25000-45000} runners."],
      s: ["Cool conditions and a flat course helped produce fast times.", "{person2} finished second, {int:20-90} seconds behind.", "The women’s race was won in 2 hours {int:17-24} minutes.", "The winner said the aim now was selection for the world championships.", "Organisers said the event raised millions for local charities."],
    },
    {
      t: ["{club} sign {person} from {club2} for record fee", "{person} completes move to {club}", "Transfer window: {club} land striker {person}"],
      lead: ["{club} have signed striker {person} from {club2} for a club-record fee of about {int:35-95} million dollars, the club confirmed on {weekday}.", "{person} has joined {club} on a {int:4-5}-year contract after passing a medical, ending weeks of negotiations with {club2}."],
      s: ["The forward scored {int:14-29} goals in all competitions last season.", "The deal includes add-ons linked to trophies.", "Fans gathered outside the training ground to welcome the new signing.", "The coach said the club needed more pace in attack.", "The player will wear the number {int:7-29} shirt."],
    },
    {
      t: ["[0] {club} sack coach after {int:5-9} straight defeats", "[1] Manager {person} leaves {club} by mutual consent", "{club} search for new coach after poor start"],
      lead: ["{club} dismissed head coach {person} on {weekday} after a {int:5-9}-match losing run left the team {~second|third|fourth} from bottom.", "Head coach {person} has left {club} by mutual consent, the club announced, less than a year after taking charge."],
      s: ["Assistant coach {person2} will take charge of training for now.", "The board thanked the coach for improving the youth academy.", "Supporters had chanted against the owners during the last home game.", "Several candidates have been interviewed, local media reported.", "The team’s next match is away at {club2} on {weekday}."],
    },
    {
      t: ["[0] {^hoops} force game seven with overtime win", "[0] {person} scores {int:34-51} as {hoops} level playoff series", "[1] Basketball playoffs: {hoops} on brink of elimination"],
      lead: ["{person} scored {int:34-51} points as {hoops} beat {hoops2} {int:108-121}-{int:98-107} in overtime to level the playoff series at three games apiece.", "{^hoops} are one loss away from elimination after a {int:10-25}-point defeat at home to {hoops2} on {weekday}."],
      s: ["The game was tied {int:4-9} times in the fourth quarter.", "Both teams shot under 40% from three-point range.", "[0] The deciding game will be played on {weekday}.", "The coach said the team had to cut down on turnovers.", "Attendance at the arena was a season high."],
    },
    {
      t: ["[0] {country} seal test series win over {country2}", "[1] Century from {person} puts {country} in control", "[1] Bowlers share wickets as {country} take lead"],
      lead: ["{country} won the third test against {country2} by {int:3-9} wickets on {weekday} to take the series 2-1.", "{person} scored an unbeaten {int:101-188} as {country} reached {int:320-460} for {int:4-7} at the close of the second day."],
      s: ["The pitch offered turn for the spinners from the third day.", "Rain delayed the start by about two hours.", "[0] {person2} took five wickets in the second innings.", "[0] The visiting captain admitted the batting had let the team down.", "The next series begins in {month}."],
    },
    {
      t: ["[0] {person} wins mountain stage to take leader’s jersey", "[1] Crosswinds split the peloton on stage {int:4-17}", "[1] Sprint finish in {city} goes to {person}"],
      lead: ["{person} attacked on the final climb to win stage {int:4-17} of the race and take the overall lead by {int:12-58} seconds.", "Strong crosswinds split the peloton on the road to {city}, and {person} won the sprint from a reduced group."],
      s: ["Several favourites lost time after crashes in the final {int:20-40} kilometres.", "[0] Temperatures on the climb reached {int:30-37} degrees.", "{person2} finished second on the stage.", "The race continues with a time trial on {weekday}.", "The team director called it the best day of the season."],
    },
    {
      t: ["[0] {person} ruled out for {int:6-12} weeks with knee injury", "[0] Injury blow for {club} as captain faces surgery", "[1] {club} without key defender for cup final"],
      lead: ["{club} captain {person} will miss {int:6-12} weeks after scans revealed ligament damage in the right knee, the club said.", "{club} will be without defender {person} for the cup final after a hamstring injury in training."],
      s: ["The injury happened in a tackle late in {weekday}’s match.", "[0] The club medical team said surgery had gone well.", "The national team coach will also be without the player for qualifiers.", "Youngster {person2} is expected to step in.", "The club has suffered a run of muscle injuries this season."],
    },
    {
      t: ["[0] {city} named host of {int:2031-2036} world athletics championships", "[1] {country} names squad for world championships", "[1] World championships: {country} picks youthful team"],
      lead: ["{city} will host the world athletics championships in {int:2031-2036}, the sport’s governing body announced on {weekday}.", "{country} named a squad of {int:40-80} athletes for the world championships, including {int:8-20} newcomers."],
      s: ["[0] The renovated stadium will seat about {num:45000-70000} spectators.", "[1] Hurdler {person} returns after a year out with injury.", "[0] Organisers promised affordable tickets and free transport for fans.", "[1] Selectors said several places were decided by a photo finish at the trials.", "The championships will be held over nine days in {month}."],
    },
    {
      t: ["[0] Sprinter {person} banned for {int:2-4} years after failed test", "[1] Anti-doping agency suspends {person}", "Doping case clouds {country} athletics team"],
      lead: ["Sprinter {person} has been banned for {int:2-4} years after testing positive for a prohibited substance at an out-of-competition test, the anti-doping agency said.", "The athletics integrity unit provisionally suspended {person} on {weekday} over missed drug tests."],
      s: ["[0] The athlete denied knowingly taking the substance and plans to appeal.", "Results from the last {int:12-24} months will be annulled.", "The case is a setback for a team hoping to win relay medals.", "The national federation said it supports a strict line on doping.", "The appeal will be heard by the court of arbitration for sport."],
    },
    {
      t: ["[0] {person} wins {country} Grand Prix from pole", "[1] Safety car gamble pays off for {person}", "[1] Rain chaos as {person} takes grand prix victory"],
      lead: ["{person} won the {country} Grand Prix on {weekday} after starting from pole position, leading every lap but one.", "A well-timed pit stop under the safety car helped {person} win a chaotic, rain-hit grand prix in {country}."],
      s: ["The win cuts the gap in the drivers’ championship to {int:8-30} points.", "Team-mate {person2} finished third.", "Three cars retired after a collision on the opening lap.", "Tyre wear was higher than expected on the new track surface.", "The next race takes place in {city} in {int:2-3} weeks."],
    },
  ],
  sample: [
    {
      t: ["[0] {person} holds nerve to win golf title by one shot", "[1] Final-round {int:63-66} gives {person} victory", "{person} wins golf championship in {city}"],
      lead: ["{person} holed a {int:2-5}-metre putt on the final green to win the championship near {city} by one shot on {weekday}.", "A final round of {int:63-66} took {person} from five shots behind to victory at the tournament in {city}."],
      s: ["Strong winds made scoring difficult on the back nine.", "{person2}, who led overnight, dropped three shots in the last four holes.", "The winner earned about {num:1200000-3600000} dollars in prize money.", "It is the second professional win of a career that nearly ended with a back injury.", "The victory secures a place in next year’s majors.", "A crowd of about {num:20000-40000} followed the final groups.", "The tournament moves to a new course next year."],
    },
    {
      t: ["[0] {person} sets national record in 200 metres freestyle", "[1] Swimmers dominate as {country} top medal table", "{person} wins third gold of championships"],
      lead: ["{person} broke the national record in the 200 metres freestyle at the swimming championships in {city} on {weekday}.", "{country} finished top of the medal table at the swimming championships in {city}, winning {int:8-15} golds."],
      s: ["[0] The winning time was 1:{int:44-47}.{int:10-99}.", "The relay team won by more than a second.", "{person2}, aged just {int:16-18}, took bronze in the butterfly.", "Coaches credited a new altitude training camp.", "Several swimmers are now favourites for the world championships.", "The pool was built for the event and will be opened to the public.", "Organisers said ticket sales had exceeded expectations."],
    },
    {
      t: ["[0] {person} knocks out champion to win world title", "[1] Split decision hands {person} heavyweight belt", "[1] Boxing: {person} retains title in {city}"],
      lead: ["{person} knocked out the defending champion in the {~seventh|eighth|ninth|tenth} round to win the world title in front of {num:15000-30000} fans in {city}.", "{person} retained the world title on {weekday} with a split decision over {person2} after twelve close rounds."],
      s: ["The challenger had been knocked down in the second round.", "One judge scored the fight a draw.", "The loser’s team said they would seek a rematch.", "The fight was the first major boxing event in {city} for a decade.", "The winner dedicated the victory to a former coach.", "Both fighters were taken to hospital for routine checks.", "Promoters said a rematch could happen within six months."],
    },
    {
      t: ["{club} agree plans for {num:40000-60000}-seat stadium", "New stadium for {club} approved by {city} council", "Fans split over {club} move to new ground"],
      lead: ["{club} have received approval to build a {num:40000-60000}-seat stadium on the edge of {city}, replacing a ground the team has used for more than a century.", "{city} council approved plans for a new stadium for {club} on {weekday} after a three-hour debate."],
      s: ["The stadium is expected to cost about {int:400-900} million dollars.", "The club says the move will increase matchday revenue.", "Some supporters fear rising ticket prices.", "{person}, chair of the supporters’ trust, said fans must have a say in the design.", "The old ground will be redeveloped as housing.", "Construction should be finished in time for the {int:2028-2030} season.", "Transport links to the site will be upgraded."],
    },
    {
      t: ["[0] Record crowd for women’s league match in {city}", "Women’s football attendances soar", "[1] {club} women win title on final day"],
      lead: ["A record crowd of {num:28000-52000} watched the women’s league match between {club} and {club2} in {city} on {weekday}.", "{club} won the women’s league title on the final day of the season, beating {club2} {int:2-4}-{int:0-1}."],
      s: ["Average attendances in the league have doubled in two years.", "[1] Striker {person} finished as top scorer with {int:18-27} goals.", "Broadcast deals have brought more money into the women’s game.", "Players called for better training facilities.", "The club plans to move more women’s matches to its main stadium.", "[0] Tickets for the fixture sold out within days.", "[1] The coach said the squad had been built over three seasons."],
    },
    {
      t: ["[0] Overtime goal sends {hoops} into hockey final", "[1] {hoops} win championship in front of home fans", "[1] Goalie {person} makes {int:38-49} saves in shutout"],
      lead: ["An overtime goal from {person} sent {hoops} into the ice hockey final after a {int:2-4}-{int:1-3} win on {weekday}.", "Goaltender {person} made {int:38-49} saves as {hoops} won the championship on home ice."],
      s: ["[1] It is the team’s first title in {int:12-30} years.", "The opponents hit the post twice in the third period.", "Thousands of fans celebrated in the streets of {city}.", "[1] The captain lifted the trophy with a broken finger.", "The coach only took charge last summer.", "Attendance was a sell-out for every playoff game.", "[1] A parade is planned for {weekday}."],
    },
    {
      t: ["[0] {person} wins downhill on home snow", "[1] Ski World Cup: {person} takes giant slalom in {city}", "[0] Crash mars World Cup downhill"],
      lead: ["{person} won the World Cup downhill on {weekday} by {dec:0.1-0.9} seconds, delighting a home crowd.", "{person} took victory in the giant slalom, the {~second|third|fourth} World Cup win of the season."],
      s: ["Fresh snow overnight made the course slower than in training.", "Race organisers shortened the course because of strong winds.", "{person2}, the overall leader, finished fourth.", "One skier was airlifted to hospital after a crash but was reported to be stable.", "The season continues with races in {country} next week.", "The victory moves the winner into second place in the overall standings.", "Warm weather has forced several races to be cancelled this season."],
    },
    {
      t: ["[0] {person} retires after {int:15-20} seasons", "[0] Veteran {person} hangs up boots", "[1] Academy graduates shine as {club} look to youth"],
      lead: ["{club} captain {person} announced retirement on {weekday} after {int:15-20} seasons as a professional, the last {int:6-10} at the club.", "{club} fielded {int:5-7} academy graduates in their starting team on {weekday}, a sign of a new youth policy under coach {person}."],
      s: ["[0] The veteran made more than {int:450-650} appearances.", "[0] A farewell match will be held at the end of the season.", "[0] Teammates formed a guard of honour before kick-off.", "The academy has been rebuilt with new pitches and a school.", "[1] Teenager {person2} scored on a first senior appearance.", "The club hopes to sell fewer players to richer rivals.", "Supporters gave a standing ovation at the final whistle."],
    },
  ],
};
