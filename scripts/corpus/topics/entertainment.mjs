export default {
  pools: {
    film: ["The Glass Orchard", "Midnight at Calder Bay", "Paper Kingdoms", "The Last Lighthouse", "Saltwater Hymns", "Northern Static", "A House of Small Wars", "Echo Valley", "The Borrowed Summer", "Velvet Circuit", "Ashes of Marigold", "Low Tide Lovers"],
    artist: ["Marisol Vega", "the Hollow Pines", "Kid Zephyr", "Ines Aaltonen", "the Velvet Tramlines", "DJ Okapi", "Lotte Brandt", "Sunday Arcade", "Tobi Kareem", "the Neon Marrows"],
    band: ["the Hollow Pines", "the Velvet Tramlines", "Sunday Arcade", "the Neon Marrows", "the Copper Kites", "Atlas Harbour"],
    streamer: ["Streamline+", "Vistaplay", "Onyx TV", "Lumen Stream", "Halo Video"],
    festival: ["the {city} Film Festival", "the Lakeside International Film Festival", "the {city} Festival of Cinema"],
  },
  train: [
    {
      t: ["[0] “{film}” tops weekend box office with {int:40-110} million dollars", "Box office: “{film}” opens strongly", "[1] Horror surprise “{film}” beats blockbuster rivals"],
      lead: ["“{film}” took in an estimated {int:40-110} million dollars in cinemas over the weekend, the biggest opening of the year for an original story.", "The low-budget horror film “{film}” topped the weekend box office, beating a heavily promoted superhero sequel."],
      s: ["The film cost about {int:8-60} million dollars to make.", "Audiences gave it strong ratings in exit surveys.", "Director {person} called the result \"a gift to every independent filmmaker\".", "International takings added another {int:30-90} million dollars.", "The film stars {person2} as a woman searching for a missing sister."],
    },
    {
      t: ["[0] {artist} album debuts at number one", "[1] New record from {artist} breaks streaming records", "[1] {artist} returns with first album in {int:4-8} years"],
      lead: ["The new album by {artist} debuted at number one on the charts this week, with the equivalent of {num:120000-400000} sales in its first seven days.", "{artist} released a first album in {int:4-8} years on {weekday}, and it was streamed more than {int:50-200} million times in its first day."],
      s: ["Critics praised the album’s stripped-back sound.", "The lead single has been on radio playlists for weeks.", "Vinyl copies sold out in many shops.", "The record was made in a converted barn outside {city}.", "A world tour will follow in {month}."],
    },
    {
      t: ["[0] “{film}” wins best picture at awards ceremony", "[1] {person} takes best actor prize for “{film}”", "Awards night: big wins for “{film}”"],
      lead: ["“{film}” won best picture at the film awards on {weekday} night, one of {int:4-7} prizes for the drama.", "{person} won the best actor award for a role in “{film}”, giving an emotional speech that brought the audience to its feet."],
      s: ["The ceremony was hosted by comedian {person2}.", "Best director went to a first-time filmmaker.", "The documentary award went to a film about climate migrants.", "Viewing figures for the broadcast rose for the first time in years.", "The winners were celebrated at parties across the city."],
    },
    {
      t: ["[0] “{film}” premieres to standing ovation at {festival}", "Stars arrive for opening night of {festival}", "[1] Festival jury awards top prize to “{film}”"],
      lead: ["“{film}” received a {int:6-12}-minute standing ovation after its premiere at {festival} on {weekday}.", "The jury of {festival} awarded its top prize to “{film}”, a drama about two sisters running a failing hotel."],
      s: ["The film is directed by {person}, whose previous work won acclaim at smaller festivals.", "Distributors are competing for the rights.", "The festival screened {int:120-260} films this year.", "Critics praised the lead performances.", "The film will reach cinemas in {month}."],
    },
    {
      t: ["[0] {artist} announces {int:30-60}-date world tour", "[1] Tickets for {artist} tour sell out in minutes", "[1] Fans queue overnight for {artist} concert tickets"],
      lead: ["{artist} will play {int:30-60} concerts across {int:12-25} countries next year, starting in {city} in {month}.", "Tickets for the {artist} tour sold out within minutes on {weekday}, with resale sites listing seats for ten times the face value."],
      s: ["[1] Fans complained about long online queues and technical problems.", "Extra dates have been added in {city2}.", "The tour will include songs from the new album and older favourites.", "Ticket prices range from {int:45-70} to {int:150-350} dollars.", "The promoter said it would cancel tickets bought by bots."],
    },
    {
      t: ["[0] {streamer} renews hit series for second season", "[0] Crime drama becomes {streamer}’s most watched show", "Streaming hit draws {int:40-90} million viewers"],
      lead: ["{streamer} renewed its crime drama for a second season after it became the platform’s most watched series, with {int:40-90} million views in its first month.", "A period drama made on a modest budget has become the most-watched show on {streamer}, surprising industry observers."],
      s: ["The series is based on a best-selling novel.", "[0] Filming for the new season will begin in {city} in {month}.", "Star {person} has become an overnight celebrity.", "The show has been dubbed into {int:20-35} languages.", "Critics praised the writing and costumes."],
    },
    {
      t: ["[0] {person} cast as lead in adaptation of “{film}”", "[0] Casting news: {person} joins “{film}”", "[1] Director names star of new fantasy series"],
      lead: ["{person} has been cast as the lead in a film adaptation of the novel “{film}”, the studio announced on {weekday}.", "The producers of a new fantasy series have chosen {person}, a relative newcomer, to play the lead role."],
      s: ["Filming begins next spring in {country}.", "[0] The book has sold millions of copies worldwide.", "[0] Fans of the novel reacted with enthusiasm on social media.", "{person2} will write and direct.", "The release is planned for {int:2026-2027}."],
    },
    {
      t: ["[0] Musical “{film}” opens to rave reviews", "[0] West End-style musical comes to {city}", "[1] Theatre revival sells out its run"],
      lead: ["The stage musical “{film}” opened in {city} on {weekday} to rave reviews, with critics praising its score and choreography.", "A revival of a classic comedy has sold out its entire run at a theatre in {city}, the first time in years for a non-musical play."],
      s: ["The production features a cast of {int:20-40} performers.", "Tickets are being resold at high prices.", "Lead actor {person} received a standing ovation on opening night.", "The show will tour other cities next year.", "[0] The composer spent seven years writing the music."],
    },
    {
      t: ["[0] Video game “{film}” sells {int:3-12} million copies in first week", "Fans rush to play new adventure game “{film}”", "[1] Indie game becomes surprise hit"],
      lead: ["The video game “{film}” sold {int:3-12} million copies in its first week, making it one of the fastest-selling games of the year.", "A small game studio in {city} has a surprise hit on its hands, with its puzzle adventure game topping download charts."],
      s: ["Players praised the open world and story.", "[1] The studio has just {int:8-40} employees.", "Some players reported bugs on older consoles.", "Lead designer {person} said the team worked on the game for five years.", "A film adaptation is reportedly in talks."],
    },
    {
      t: ["Debut novel wins literary prize", "“{film}” named book of the year", "Author {person} wins fiction award"],
      lead: ["“{film}”, a debut novel by {person}, won a major fiction prize on {weekday}, beating five more established authors.", "Author {person} has won the national fiction award for a novel set in a fishing town in {country}."],
      s: ["The prize is worth {num:25000-60000} dollars.", "Judges described the book as funny and heartbreaking.", "Sales of the book jumped after the shortlist was announced.", "Film rights have already been sold.", "The author wrote the novel while working night shifts."],
    },
    {
      t: ["[0] {artist} to headline summer music festival in {city}", "Festival line-up announced, with {artist} topping bill", "[1] Music festival returns after two-year break"],
      lead: ["{artist} will headline a three-day music festival in {city} this summer, organisers announced.", "A popular music festival near {city} will return this summer after a two-year break, with {artist} and {artist2} topping the bill."],
      s: ["More than {int:80-150} acts will perform on five stages.", "Weekend tickets cost about {int:200-350} dollars.", "Organisers promised better toilets and shorter queues.", "The festival expects about {num:50000-90000} visitors a day.", "A new stage will focus on electronic music."],
    },
    {
      t: ["[0] Talk show host {person} to step down after {int:10-20} years", "[1] Comedian {person} announces final tour", "[0] Late-night show ends its run"],
      lead: ["Talk show host {person} said on {weekday} that the current season will be the last, ending a run of {int:10-20} years on late-night television.", "Comedian {person} announced a final stand-up tour, saying it was time to focus on writing and family."],
      s: ["[0] The show has hosted thousands of guests, from musicians to prime ministers.", "[0] The network said it would develop a new format for the time slot.", "Fellow comedians paid tribute on social media.", "[0] The final episode will air in {month}.", "[0] Ratings for late-night shows have fallen as viewers move online.", "[1] The tour will visit {int:20-40} cities over six months.", "[1] Tickets sold out within hours in {city}.", "[1] The comedian first performed at open-mic nights in {city2}."],
    },
  ],
  sample: [
    {
      t: ["Blockbuster art exhibition draws record crowds in {city}", "Museum extends opening hours as exhibition sells out", "Rare paintings go on display for first time"],
      lead: ["An exhibition of paintings by a 17th-century master has drawn more than {num:300000-700000} visitors to a museum in {city}, a record for the gallery.", "A museum in {city} is staying open until midnight on weekends to cope with demand for its sold-out exhibition."],
      s: ["Many of the works are on loan from private collections.", "Visitors wait up to two hours to get in.", "{person}, the curator, said the exhibition took five years to organise.", "The museum shop has sold out of the catalogue.", "Tickets for the final weeks were released on {weekday}.", "The exhibition will travel to {city2} next year.", "Some paintings were restored specially for the show."],
    },
    {
      t: ["[0] {streamer} raises subscription prices", "[1] Streaming services crack down on password sharing", "[0] Viewers cancel subscriptions as prices rise"],
      lead: ["{streamer} will raise its monthly subscription price by {~one|two|three} dollars from {month}, the latest streaming service to increase fees.", "Streaming platforms are charging extra for viewers who share passwords outside their household, and the move has boosted sign-ups."],
      s: ["[0] A cheaper plan with adverts will remain available.", "Analysts say platforms are under pressure to turn a profit.", "{person}, a media analyst, said viewers are rotating between services.", "[0] The service has about {int:60-200} million subscribers worldwide.", "Some customers said they would cancel.", "Live sport is becoming a bigger part of streaming offers.", "[0] The company said its content budget would rise next year."],
    },
    {
      t: ["[0] Singing contest finale watched by {int:6-14} million", "[1] Reality show winner crowned after public vote", "[1] {person} wins talent show final"],
      lead: ["The final of the television singing contest was watched by {int:6-14} million people on {weekday}, the highest audience of the year.", "{person}, a {int:19-32}-year-old from {city}, won the talent show after a public vote that drew millions of calls and messages."],
      s: ["The winner receives a recording contract.", "The runner-up performed an original song.", "Judges praised the standard of the final.", "The show has launched several successful careers.", "The winning single will be released on {weekday}.", "Fans gathered in the winner’s home town to watch.", "A live tour of the finalists will follow."],
    },
    {
      t: ["[0] {^band} reunite for first shows in {int:10-20} years", "[0] Band reunion announced to delight of fans", "[1] Reunited {band} play surprise gig in {city}"],
      lead: ["{^band} announced on {weekday} that they will reunite for a series of concerts, their first together in {int:10-20} years.", "Reunited band {band} played a surprise concert in a small club in {city}, their first live show in more than a decade."],
      s: ["The band split after disagreements during their last tour.", "[1] Fans queued around the block after news of the gig spread online.", "Band member {person} said old tensions had been resolved.", "New songs are being recorded for an album next year.", "[0] Tickets for the stadium shows go on sale in {month}.", "The band sold millions of records in the 1990s.", "The reunion will include shows in {country}."],
    },
    {
      t: ["[0] Documentary about {city} fishermen wins festival prize", "Acclaimed documentary heads to cinemas", "[1] Filmmakers spent {int:3-7} years following subjects"],
      lead: ["A documentary about fishing families in {city} won the audience award at {festival}, and will be released in cinemas next month.", "Filmmaker {person} spent {int:3-7} years following three families for a documentary that has been praised by critics."],
      s: ["The film was shot on a small budget with a crew of three.", "Audiences gave it a long standing ovation.", "The director said the subjects had become like family.", "A streaming service has bought the rights.", "The film will be shown at schools.", "The soundtrack was written by a local musician.", "The families attended the premiere."],
    },
    {
      t: ["[0] Animated sequel “{film}” breaks family film record", "[1] Studio confirms sequel to animated hit", "[0] Animated film becomes year’s highest-grossing release"],
      lead: ["The animated sequel “{film}” became the highest-grossing family film of the year, passing {int:600-900} million dollars at the global box office.", "The studio behind an animated hit confirmed a sequel on {weekday}, with the original voice cast returning."],
      s: ["The first film was released {int:4-8} years ago.", "The film is especially popular in {country}.", "Voice actor {person} returns as the main character.", "Merchandise sales have been strong.", "The animation took about four years to complete.", "[1] The release is planned for the summer holidays.", "[0] Critics said the sequel was better than the original."],
    },
    {
      t: ["[0] Orchestra names {person} as new chief conductor", "[1] Opera house opens season with new production", "[0] Young conductor takes baton at {city} orchestra"],
      lead: ["The {city} symphony orchestra has named {person}, {int:31-44}, as its next chief conductor, one of the youngest in its history.", "The opera house in {city} opened its season on {weekday} with a bold new production that drew both cheers and boos."],
      s: ["[0] The conductor will take up the post next season.", "[0] The orchestra plans more concerts in schools and neighbourhoods.", "[1] The production moved the story to a modern hospital.", "Ticket sales have recovered to their highest level in a decade.", "[1] Critics were divided over the staging.", "[1] The opera house has a new programme for young audiences.", "The season includes {int:8-14} productions."],
    },
    {
      t: ["[0] Actors vote to strike over pay and AI", "[0] Film productions halt as actors walk out", "[1] Actors’ union reaches deal with studios"],
      lead: ["Members of the actors’ union voted to strike after talks with film and television studios broke down over pay and the use of artificial intelligence.", "The actors’ union and the major studios reached a tentative deal on {weekday} to end a strike that had halted productions for {int:8-16} weeks."],
      s: ["Actors want protection against digital copies of their faces and voices.", "Most productions have been paused.", "Actor {person} said performers were fighting for their future.", "[1] The deal includes higher minimum pay and royalties from streaming.", "[1] Members will vote on the agreement in the coming weeks.", "The strike has hit crews and local businesses.", "Award ceremonies were scaled back during the dispute."],
    },
  ],
};
