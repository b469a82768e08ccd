export default {
  pools: {
    institute: ["the Marlowe Institute", "the Institute for Advanced Study in {city}", "the University of {city}", "the Halden Research Centre", "the Ashgrove Institute of Science", "{city} Polytechnic"],
    scientist: ["an astronomer", "a palaeontologist", "a physicist", "an evolutionary biologist", "a geologist", "a chemist", "an archaeologist", "a planetary scientist"],
    region: ["northern Europe", "South America", "the Pacific islands", "central Asia", "the Iberian peninsula", "East Africa"],
    telescope: ["the Vega space telescope", "the Altamira Array", "the Horizon Deep Field survey", "the Southern Sky Observatory"],
    longlived: ["giant tortoise", "Greenland shark", "axolotl", "bowhead whale"],
  },
  train: [
    {
      t: ["[0] Astronomers find rocky planet in habitable zone of nearby star", "[1] Distant galaxy seen as it was {int:300-600} million years after Big Bang", "[0] {^telescope} spots water vapour on exoplanet"],
      lead: ["Astronomers using {telescope} have found a rocky planet about {int:20-120} light years away that orbits in the zone where liquid water could exist.", "A team at {institute} has identified one of the most distant galaxies ever observed, seen as it was about {int:300-600} million years after the Big Bang."],
      s: ["[0] The planet is about {dec:1.1-1.9} times the size of Earth.", "[1] The light from the object has travelled more than 13 billion years to reach us.", "[0] {person}, {scientist} on the team, said follow-up observations will study its atmosphere.", "The findings were published in a peer-reviewed journal this week.", "[1] The discovery challenges models of how quickly early galaxies formed."],
    },
    {
      t: ["[0] New dinosaur species identified from fossils found in {country}", "[1] Nearly complete skeleton of ancient reptile unearthed near {city}", "[0] Palaeontologists name new dinosaur after local farmer"],
      lead: ["Palaeontologists have described a new species of dinosaur from bones found in {country}, a plant-eater that lived about {int:70-150} million years ago.", "A nearly complete skeleton of a {~marine reptile|flying reptile|long-necked dinosaur} has been unearthed near {city}, researchers at {institute} announced."],
      s: ["The animal was about {int:6-18} metres long.", "The first bones were spotted by a farmer crossing a dry riverbed.", "{person}, {scientist}, said the find fills a gap in the evolutionary record.", "Features of the skull suggest it was related to species found on other continents.", "The bones will go on display at a local museum."],
    },
    {
      t: ["[0] Physicists measure particle mass with record precision", "[1] Collider experiment hints at new physics", "[1] Muon result puzzles physicists"],
      lead: ["Physicists at {institute} have measured the mass of a fundamental particle with record precision, a test of the standard model of particle physics.", "An experiment at a particle collider has found a small discrepancy with theoretical predictions, which physicists say could hint at unknown particles or forces."],
      s: ["[0] The measurement took {int:5-12} years of data collection.", "Researchers said the result needs confirmation before any claims of a discovery.", "{person}, {scientist}, said \"either the theory or our understanding of the experiment is missing something\".", "The collider smashes protons together at nearly the speed of light.", "Thousands of scientists from dozens of countries worked on the analysis."],
    },
    {
      t: ["[0] Probe launches on {int:4-9}-year journey to asteroid", "[1] Lunar lander touches down near moon’s south pole", "Space mission aims to unlock secrets of the early solar system"],
      lead: ["A space probe launched on {weekday} on a {int:4-9}-year journey to an asteroid that scientists believe is rich in metal.", "A robotic lander touched down near the moon’s south pole, where scientists hope to find water ice in permanently shadowed craters."],
      s: ["[0] The spacecraft will use solar-electric propulsion.", "Instruments will measure the composition of the surface.", "{person}, {scientist} on the mission, said the data could reveal how planets formed.", "The mission cost about {dec:0.5-2.5} billion dollars.", "Engineers confirmed the spacecraft is healthy."],
    },
    {
      t: ["[0] Archaeologists uncover {int:3000-9000}-year-old settlement in {country}", "[1] Ancient city’s streets revealed by ground radar", "[0] Road building reveals ancient settlement in {country}"],
      lead: ["Archaeologists have uncovered the remains of a settlement in {country} that was inhabited about {int:3000-9000} years ago, including houses, hearths and a burial ground.", "Ground-penetrating radar has revealed the street plan of an ancient city near {city}, without any digging, researchers from {institute} reported."],
      s: ["Pottery found at the site suggests trade with distant regions.", "The site was discovered during construction of a new road.", "{person}, {scientist}, said the find changes ideas about early farming in the area.", "Radiocarbon dating was used to determine the age of the remains.", "[0] Excavations will continue next summer."],
    },
    {
      t: ["[0] Genome of ancient wheat sheds light on early farming", "[1] Scientists sequence genome of the {longlived}", "Sequencing project reveals genetic secrets"],
      lead: ["Scientists have sequenced the genome of an ancient variety of wheat, revealing how early farmers selected plants for larger grains.", "Researchers at {institute} have sequenced the full genome of the {longlived}, an animal known for its exceptionally long life."],
      s: ["The genome contains about {dec:1.5-9.5} billion base pairs.", "[1] Genes linked to DNA repair appeared in several extra copies.", "[1] {person}, {scientist}, said the data would help explain how long life evolved.", "The work took {int:3-6} years.", "The data have been made freely available to other researchers."],
    },
    {
      t: ["[0] {int:20-60} new species discovered in remote {country} forest", "[1] Deep-sea expedition finds unknown creatures", "[0] New frog species named after a rock star"],
      lead: ["An expedition to a remote forest in {country} has identified {int:20-60} species new to science, including frogs, beetles and a tiny lizard.", "Scientists exploring the deep sea off {country} found dozens of animals never described before, living near hot vents {num:2000-4000} metres down."],
      s: ["Many of the species are found nowhere else.", "[1] Researchers used remotely operated vehicles to collect samples.", "{person}, {scientist}, said many species may disappear before they are named.", "Formal descriptions will take years.", "The team collected DNA samples from each animal."],
    },
    {
      t: ["[0] Bees use sun and landmarks to navigate, study shows", "[1] Migrating birds sense Earth’s magnetic field with their eyes", "Animal navigation study surprises researchers"],
      lead: ["Honeybees combine the position of the sun with visual landmarks to find their way home, a study using tiny radar tags has shown.", "Researchers at {institute} have found new evidence that migrating songbirds detect the Earth’s magnetic field through a protein in their eyes."],
      s: ["The experiments involved hundreds of animals over several seasons.", "The findings help explain long-distance navigation.", "{person}, {scientist}, said the results were surprising.", "Previous studies had produced conflicting results.", "The team now plans to test other species."],
    },
    {
      t: ["[0] Chemists create material that pulls water from desert air", "[1] New catalyst turns carbon dioxide into fuel", "Chemists report advance using cheap, abundant materials"],
      lead: ["Chemists at {institute} have developed a porous material that can harvest drinking water from the air even in desert conditions.", "A new catalyst converts carbon dioxide into methanol more efficiently than existing methods, researchers reported in a chemistry journal."],
      s: ["[0] A kilogram of the material collected about {dec:1.1-5.9} litres of water a day.", "The process works at room temperature.", "{person}, {scientist}, said scaling up the process remains a challenge.", "The material is made from cheap, abundant elements.", "Industry partners have shown interest in testing it."],
    },
    {
      t: ["[0] Mathematician solves decades-old problem", "[1] Proof of famous conjecture checked by computer", "[0] Mathematics prize awarded for work on prime numbers"],
      lead: ["A mathematician at {institute} has proved a conjecture about prime numbers that had resisted solution for more than {int:40-90} years.", "Mathematicians have used a computer proof assistant to verify a long and complex proof, removing doubts about its correctness."],
      s: ["The proof runs to more than {int:80-300} pages.", "Colleagues spent months checking each step.", "{person}, a mathematician not involved in the work, called it a landmark.", "[0] The result has applications in cryptography.", "[0] The work has already been recognised with a prize of {num:100000-800000} dollars."],
    },
    {
      t: ["[0] Volcano shows signs of unrest, geologists warn", "[1] Scientists map fault behind deadly earthquake", "[0] Ground near {city} rising as magma moves"],
      lead: ["Geologists have recorded a swarm of small earthquakes and ground swelling at a volcano near {city}, signs that magma is moving beneath the surface.", "Scientists have mapped the fault that caused a magnitude {dec:6.1-7.4} earthquake in {country}, finding that it ruptured over {int:40-150} kilometres."],
      s: ["[0] The ground has risen about {int:4-15} centimetres in three months.", "[0] Satellite radar measurements were used to track the deformation.", "[0] {person}, {scientist}, said an eruption is possible but not certain.", "[0] Gas emissions are also being monitored.", "[1] The findings will help assess future earthquake risk.", "[1] The rupture reached the surface in several places.", "[1] Aftershocks continued for weeks after the main quake."],
    },
    {
      t: ["[0] Expedition maps uncharted seafloor mountains", "[0] Ocean survey finds {int:5-20} undersea volcanoes", "[1] Scientists drill into ocean crust for first time"],
      lead: ["A research ship has mapped more than {num:20000-80000} square kilometres of previously uncharted seafloor, revealing underwater mountains and canyons.", "An ocean drilling expedition has recovered rock from deep beneath the seafloor, giving scientists a rare look at the Earth’s mantle."],
      s: ["Only about a quarter of the seafloor has been mapped in detail.", "[0] The ship used multibeam sonar to measure depth.", "[1] {person}, {scientist}, said the samples would keep researchers busy for years.", "[0] The data will be added to a global seabed map.", "The expedition lasted {int:5-9} weeks."],
    },
  ],
  sample: [
    {
      t: ["[0] Asteroid samples contain building blocks of life", "[0] Grains from asteroid reveal water-rich past", "[1] Meteor shower peaks this week, astronomers say"],
      lead: ["Samples returned to Earth from an asteroid contain amino acids and other organic molecules, scientists reported, adding to evidence that the ingredients of life were common in the early solar system.", "The annual meteor shower will peak on {weekday} night, with up to {int:60-120} meteors an hour visible from dark locations, astronomers at {institute} said."],
      s: ["[0] The sample capsule landed in a desert last year.", "[0] Researchers took care to avoid contamination from Earth.", "[0] {person}, {scientist}, said the results do not mean life existed on the asteroid.", "[0] Minerals in the grains formed in the presence of liquid water.", "[1] Meteors are caused by dust left by a comet burning up in the atmosphere.", "[1] Observers are advised to look away from city lights.", "[0] Further analysis will take several years.", "[1] The shower is best seen after midnight.", "[1] Clear skies are forecast across much of {country}.", "[1] No telescope is needed to see the meteors."],
    },
    {
      t: ["[0] Ancient DNA reveals early migration into {region}", "[1] Genomes from cave burials rewrite population history", "Ancient teeth show what early farmers ate"],
      lead: ["DNA extracted from {int:20-80} ancient skeletons shows that people moved into {region} in several waves, mixing with groups already living there.", "Researchers at {institute} analysed genomes from burials in a cave in {country}, revealing family relationships among people who lived thousands of years ago."],
      s: ["The oldest remains are about {num:7000-15000} years old.", "DNA survives best in cold, dry conditions.", "{person}, {scientist}, said the study shows how connected ancient populations were.", "Dental plaque revealed traces of cereals and fish.", "Local communities were consulted about the research.", "The results were published in a leading journal.", "The team plans to study more sites in the region."],
    },
    {
      t: ["Lab-grown mini brains help scientists study development", "Organoids reveal how the human brain grows", "Researchers grow miniature organs in the lab"],
      lead: ["Scientists at {institute} have grown tiny clusters of brain tissue from stem cells to study how the human brain develops before birth.", "Miniature organs grown in the laboratory, known as organoids, are giving researchers new ways to study how tissues form."],
      s: ["The organoids are only a few millimetres across.", "They do not think or feel, the researchers stressed.", "{person}, {scientist}, said organoids could reduce the use of animals in research.", "The team observed electrical activity between cells.", "Ethicists have called for clear rules on the research.", "The technique could eventually help test drugs.", "The study was funded by a national science foundation."],
    },
    {
      t: ["[0] Fusion experiment produces more energy than it consumes", "[1] Record plasma lasts {int:6-20} minutes in fusion reactor", "Fusion milestone reached at research facility"],
      lead: ["A fusion experiment at {institute} released more energy than the lasers delivered to the fuel, repeating a milestone first achieved a few years ago.", "A fusion reactor kept a superhot plasma stable for {int:6-20} minutes, a record for the type of device, researchers said."],
      s: ["Fusion combines light atoms to release energy, the process that powers the sun.", "The plasma reached temperatures of about {int:50-150} million degrees.", "{person}, {scientist}, said commercial fusion power is still decades away.", "The facility as a whole still uses far more energy than it produces.", "Magnets made of superconducting material contain the plasma.", "Engineers will now try longer pulses.", "Private companies are also racing to build fusion machines."],
    },
    {
      t: ["[0] Crows plan ahead when making tools, experiment shows", "Animal minds: new study finds surprising intelligence", "[1] Dolphins call each other by name, study suggests"],
      lead: ["Crows that make tools from twigs appear to plan several steps ahead, according to experiments by researchers at {institute}.", "Bottlenose dolphins use distinctive whistles to address specific individuals, a study of wild groups off {country} suggests."],
      s: ["[0] The birds were given puzzles with food rewards.", "[1] The researchers recorded thousands of calls using underwater microphones.", "{person}, {scientist}, said the animals showed flexibility once thought unique to apes.", "Some scientists urged caution in interpreting the results.", "The experiments were repeated with different individuals.", "The findings add to evidence of complex cognition in animals.", "[1] The team has shared the recordings online."],
    },
    {
      t: ["[0] Detectors catch gravitational waves from colliding neutron stars", "New gravitational wave detection thrills physicists", "[1] Black hole merger produces unusually massive remnant"],
      lead: ["Gravitational wave detectors have picked up ripples in space-time from two neutron stars colliding about {int:100-900} million light years away.", "Scientists have detected gravitational waves from the merger of two black holes that formed a remnant about {int:120-250} times the mass of the sun."],
      s: ["Gravitational waves were predicted by Einstein more than a century ago.", "[0] Telescopes around the world searched for light from the collision.", "[1] {person}, {scientist}, said the event was puzzling for models of how black holes form.", "The detectors use lasers to measure tiny changes in distance.", "Upgrades have made the instruments more sensitive.", "[0] Collisions of neutron stars forge heavy elements such as gold.", "The observatories will run for another {int:12-24} months."],
    },
    {
      t: ["[0] Shipwreck from 1800s found in deep water off {country}", "Marine archaeologists identify lost merchant vessel", "[1] Sonar reveals wreck on seabed"],
      lead: ["Marine archaeologists have found the wreck of a merchant ship that sank off {country} in the 1800s, lying in about {int:200-900} metres of water.", "A survey team using sonar has identified a wreck on the seabed near {city} as a vessel lost with its crew more than a century ago."],
      s: ["Cold water has preserved the wooden hull remarkably well.", "Cargo including ceramics and glass bottles was visible on the seabed.", "{person}, a maritime archaeologist, said the wreck would be protected as a historic site.", "Robotic vehicles captured thousands of images to build a 3D model.", "Descendants of the crew were informed of the discovery.", "There are no plans to raise the ship.", "Records in local archives helped confirm its identity."],
    },
    {
      t: ["[0] Chemistry prize honours protein designers", "[1] Scientists honoured for work on enzymes", "[0] Science prize goes to pioneers of protein design"],
      lead: ["This year’s prize in chemistry was awarded to three scientists whose work on protein design made it possible to create molecules not found in nature.", "A prestigious science prize has been awarded to researchers at {institute} for their work on enzymes that break down plastics."],
      s: ["[0] The winners will share about {num:900000-1200000} dollars.", "The prize committee praised work spanning three decades.", "{person}, one of the laureates, said the award honours the whole team.", "The work has applications in medicine and industry.", "Colleagues described the laureates as generous mentors.", "An award ceremony will be held in {month}.", "The research began as a side project."],
    },
  ],
};
