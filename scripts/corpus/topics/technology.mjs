export default {
  pools: {
    techco: ["Quillstack", "Nimbra", "Parallax Semiconductors", "Orbitel", "Lumenfold", "Cinderlake Software", "Vantor Robotics", "Helix Mobile", "Brightgrid Cloud", "Zephyr Devices", "Tessellate AI", "Copperline Networks", "Arcwise Labs", "Pixelmoor"],
    gadget: ["smartphone", "smartwatch", "laptop", "tablet", "VR headset", "foldable phone", "e-reader"],
    software: ["operating system", "web browser", "office suite", "messaging app", "photo editing app", "password manager", "video calling app"],
    techrole: ["chief technology officer", "head of security", "founder", "head of product", "lead engineer"],
  },
  train: [
    {
      t: ["[0] {techco} unveils {gadget} with in-house chip", "First look: the new {techco} {gadget}", "[1] {techco} bets on battery life with latest {gadget}"],
      lead: ["{techco} unveiled its latest {gadget} on {weekday}, powered by a processor designed in-house that the company says is {int:20-45}% faster than its predecessor.", "The new {gadget} from {techco} promises up to {int:2-4} days of battery life and a brighter display, the company said at a launch event in {city}."],
      s: ["The device runs an updated version of the company’s {software}.", "Prices start at {int:399-1299} dollars, and shipping begins in {month}.", "Reviewers praised the screen but noted the device is heavier than rivals.", "{person}, the {techrole}, said on-device processing keeps more data private.", "The company hopes the launch will reverse {int:2-4} quarters of falling shipments."],
    },
    {
      t: ["Hackers steal data of {num:200000-9000000} {techco} users", "{techco} confirms breach of customer database", "Data breach at {techco} exposes emails and phone numbers"],
      lead: ["{techco} said on {weekday} that attackers had accessed a database containing names, email addresses and phone numbers of about {num:200000-9000000} users.", "A security breach at {techco} exposed customer records after attackers exploited a flaw in an old server that had not been patched."],
      s: ["Passwords were stored in hashed form and were not compromised, the company said.", "Users are being urged to enable two-factor authentication.", "{person}, the {techrole}, said the intrusion was detected within hours.", "Data protection regulators in {country} have been notified.", "Security researchers said the stolen data had appeared on a hacking forum."],
    },
    {
      t: ["[0] {techco} releases new AI model that writes and debugs code", "[1] AI assistant from {techco} comes to its {software}", "[0] {techco} opens its language model to outside developers"],
      lead: ["{techco} released a new artificial intelligence model on {weekday} that it says can write, test and explain software code in more than {int:20-40} programming languages.", "{techco} is adding an AI assistant to its {software}, letting users summarise documents and draft replies with a single click."],
      s: ["The model was trained on a mix of licensed and public data, the company said.", "[0] Developers will be charged per request through a cloud interface.", "Critics warned that the tools can produce convincing but wrong answers.", "{person}, a software engineer in {city}, said early tests were impressive but uneven.", "The company said it had added filters to block harmful requests."],
    },
    {
      t: ["[0] {techco} to build {dec:5.1-19.9} billion dollar chip plant in {country}", "[1] Chip shortage eases as new foundry comes online", "Semiconductor maker {techco} expands production"],
      lead: ["{techco} will build a semiconductor factory near {city} at a cost of {dec:5.1-19.9} billion dollars, producing advanced chips for phones, cars and data centres.", "A new chip foundry operated by {techco} started production this week, which analysts say should ease shortages of processors used in cars and laptops."],
      s: ["The plant will use {int:3-7}-nanometre manufacturing technology.", "Government subsidies cover about a quarter of the cost.", "Engineers will be trained at local technical universities.", "{person}, the {techrole}, said demand from AI servers was growing fastest.", "[0] Full production is not expected until {int:2027-2029}."],
    },
    {
      t: ["Cloud outage at {techco} knocks thousands of websites offline", "Faulty update blamed for {techco} service disruption", "{techco} apologises after {int:3-9}-hour outage"],
      lead: ["Thousands of websites and apps went offline for several hours on {weekday} after a faulty configuration change at cloud provider {techco}.", "{techco} apologised to customers after an outage that lasted about {int:3-9} hours and disrupted online shops, banks’ apps and video streaming services."],
      s: ["The company said a software update had been pushed to all data centres at once instead of in stages.", "Engineers rolled back the change and restored service gradually.", "{person}, who runs an online shop in {city}, said orders stopped completely.", "The company promised a detailed report within a week.", "Experts said the incident showed how much of the internet depends on a few providers."],
    },
    {
      t: ["[0] {city} startup {techco} raises {int:12-90} million dollars", "[1] Robotics startup {techco} lands new funding round", "Investors back {techco} as it expands to {country}"],
      lead: ["{techco}, a software startup based in {city}, has raised {int:12-90} million dollars in a funding round led by venture capital investors.", "Robotics company {techco} closed a new funding round on {weekday}, bringing the total it has raised since it was founded to more than {int:100-300} million dollars."],
      s: ["The money will be used to hire engineers and expand to {country}.", "The company builds software that helps warehouses plan robot routes.", "{person}, the {techrole}, said the team would double to about {int:150-400} people.", "The startup counts several large retailers among its customers.", "It was founded {int:3-6} years ago by former university researchers."],
    },
    {
      t: ["Ransomware attack cripples {city} council computers", "{city} services disrupted by cyberattack", "Hackers demand ransom after attack on {city} systems"],
      lead: ["A ransomware attack has shut down computer systems at {city} city council, disrupting online payments, library services and planning applications.", "Officials in {city} said on {weekday} that hackers had encrypted servers and demanded a payment in cryptocurrency to unlock them."],
      s: ["The council said it would not pay the ransom.", "Emergency services were not affected.", "Staff have been told to work with pen and paper while systems are rebuilt.", "{person}, a cybersecurity consultant, said local governments often run outdated software.", "Police and the national cyber agency are investigating."],
    },
    {
      t: ["{techco} changes content rules on its social platform", "[1] Social network {techco} tightens rules on fake accounts", "[0] {techco} to label AI-generated images"],
      lead: ["{techco} said on {weekday} it will label images and videos created with artificial intelligence on its social platform, starting in {month}.", "The social network run by {techco} is tightening its rules on fake accounts after researchers found networks of bots spreading spam."],
      s: ["Users who repeatedly break the rules will have their accounts suspended.", "[1] The company removed about {num:2-9} million accounts in the last quarter.", "[0] {person}, a researcher who studies online misinformation, said labels alone were not enough.", "The platform will also let users see why a post was recommended to them.", "The changes will roll out first in {country}."],
    },
    {
      t: ["[0] Rural {country} gets faster broadband under new rollout", "[0] Fibre network reaches {num:100000-600000} more homes", "[1] 5G coverage expands to {int:40-200} towns"],
      lead: ["A programme to bring fibre broadband to rural {country} has connected {num:100000-600000} more homes this year, the operator said.", "{techco} switched on 5G mobile coverage in {int:40-200} smaller towns on {weekday}, part of a plan to cover the whole country by {int:2027-2030}."],
      s: ["Download speeds in connected villages have risen tenfold.", "[0] Engineers have had to lay cable across farmland and rivers.", "{person}, a farmer near {city}, said video calls no longer freeze.", "Some remote areas will be served by satellite links instead.", "Consumer groups said prices should be capped for low-income households."],
    },
    {
      t: ["[0] Self-driving taxis begin trials in {city}", "[1] {techco} tests driverless shuttles on public roads", "Driverless trial puts {techco} software to the test in {city}"],
      lead: ["Driverless taxis operated by {techco} began carrying passengers in {city} on {weekday}, with a safety driver on board for the first months.", "{techco} has started testing autonomous shuttle buses on a {int:4-12} kilometre route in {city}."],
      s: ["The vehicles use lidar sensors and cameras to map their surroundings.", "Passengers book rides through a smartphone app.", "{person}, the {techrole}, said the software had driven millions of kilometres in simulation.", "City officials will review the trial after six months.", "Taxi drivers’ groups protested outside city hall."],
    },
    {
      t: ["[0] Developers flock to {city} for open-source conference", "[1] Open-source project marks {int:10-25} years with major release", "Volunteer-run software project gets funding boost"],
      lead: ["More than {num:3000-9000} software developers gathered in {city} this week for an open-source conference focused on security and maintainer burnout.", "A widely used open-source database project released its biggest update in years, adding faster queries and better encryption."],
      s: ["Many critical programs depend on code maintained by a handful of volunteers.", "Several companies pledged money to pay maintainers.", "[1] {person}, who has maintained the project since its early days, said the release took two years.", "[0] Workshops covered supply-chain attacks on software packages.", "[0] The next conference will be held in {city2}."],
    },
    {
      t: ["Delivery robots roll out on {city} pavements", "{techco} expands robot delivery service", "Sidewalk robots to deliver groceries in {city}"],
      lead: ["Small six-wheeled delivery robots built by {techco} began delivering groceries in {city} this week.", "{techco} is expanding its robot delivery service to {int:3-9} more neighbourhoods after a year-long pilot."],
      s: ["The robots travel at walking pace and are monitored remotely.", "Customers unlock the lid with a code sent to their phone.", "{person}, the {techrole}, said each robot can carry about {int:10-20} kilograms.", "Some residents complained the robots block narrow pavements.", "The company plans to add night-time deliveries next year."],
    },
  ],
  sample: [
    {
      t: ["[0] Security flaw found in popular smart home cameras", "[1] Researchers show how smart doorbells can be hijacked", "{techco} patches bug in home security hubs"],
      lead: ["Security researchers have found a flaw in smart home cameras sold by {techco} that could let attackers view live video without a password.", "A team of researchers in {city} demonstrated how internet-connected doorbells could be taken over by anyone on the same Wi-Fi network."],
      s: ["The vulnerability affects firmware released over the past {int:2-3} years.", "{techco} said it had released a software update and urged customers to install it.", "{person}, who led the research, said the company responded quickly once notified.", "Many devices never receive updates because owners ignore notifications.", "Consumer groups called for minimum security standards for connected gadgets.", "The flaw was disclosed at a security conference in {city2}.", "There is no evidence it was exploited before the fix."],
    },
    {
      t: ["{techco} claims milestone in quantum computing", "[1] Quantum startup shows error-corrected processor", "[0] Quantum computer from {techco} runs {int:50-200} stable qubits"],
      lead: ["{techco} said on {weekday} that its quantum processor had run calculations with {int:50-200} stable qubits, a step towards machines that can outperform classical computers on practical problems.", "A quantum computing startup based in {city} demonstrated a processor that corrects its own errors, a long-standing obstacle for the technology."],
      s: ["Quantum bits, or qubits, are fragile and lose their state when disturbed.", "The company plans to offer access through the cloud next year.", "{person}, the {techrole}, said useful applications in chemistry and logistics were still years away.", "Independent experts said the results needed to be verified.", "The processor is cooled to near absolute zero.", "Investors have poured billions into quantum startups despite uncertain timelines.", "Banks are already preparing for encryption that quantum machines could break."],
    },
    {
      t: ["{techco} loosens app store rules for developers", "App developers win right to link to outside payments", "New app store rules cut fees for small developers"],
      lead: ["{techco} will allow app developers to link to their own payment systems and will cut its commission for small developers, the company said on {weekday}.", "Developers selling apps through the {techco} store will pay lower fees under new rules announced after pressure from regulators in {country}."],
      s: ["The commission for developers earning less than a million dollars a year falls to {int:10-15}%.", "Large developers said the changes did not go far enough.", "{person}, who runs a small games studio in {city}, said the savings would fund two new hires.", "Regulators will review whether the new rules comply with competition law.", "The company said the changes would take effect in {month}.", "Apps will still have to pass a security review.", "Industry groups expect other platforms to follow."],
    },
    {
      t: ["Passwords on the way out as passkeys spread", "[0] {techco} makes passkeys the default sign-in", "[1] Banks and shops adopt password-free login"],
      lead: ["{techco} will make passkeys the default way to sign in to its services, replacing passwords with a fingerprint, face scan or device PIN.", "A growing number of banks, shops and email providers are letting customers log in without passwords, using passkeys stored on their phones."],
      s: ["Passkeys use cryptographic keys that cannot be phished like passwords.", "Users can still choose a password if they prefer.", "[0] {person}, the {techrole}, said sign-in failures had dropped by {int:20-60}% in tests.", "Security experts said recovery when a phone is lost remains a weak point.", "The technology is based on an open standard backed by major platforms.", "[0] About {int:15-40}% of the company’s users already have a passkey.", "Older devices may not support the feature."],
    },
    {
      t: ["Data centre boom strains {city} power grid", "[0] {techco} plans {int:300-900} megawatt data centre near {city}", "Residents question water use of new server farm"],
      lead: ["{techco} has applied to build a data centre campus near {city} that would draw up to {int:300-900} megawatts of electricity, as demand for AI computing surges.", "Grid operators around {city} say a wave of planned data centres could use more power than every home in the region."],
      s: ["[0] The company said it would buy renewable power to match its consumption.", "Residents raised concerns about water used for cooling.", "{person}, a grid engineer, said new transmission lines would take years to build.", "Local officials welcomed the tax revenue and construction jobs.", "The servers will run cloud and artificial intelligence workloads.", "A decision on planning permission is expected in {month}.", "Some councils have paused approvals until grid capacity is reviewed."],
    },
    {
      t: ["[0] {techco} smartwatch adds blood pressure alerts", "[1] Wearable from {techco} tracks sleep and stress", "Fitness tracker makers race to add new sensors"],
      lead: ["{techco} is adding blood pressure alerts to its smartwatch through a software update, using an optical sensor to spot readings that may warrant a doctor’s visit.", "The latest fitness tracker from {techco} measures sleep stages, skin temperature and stress, and syncs with a redesigned app."],
      s: ["[0] The company stressed that the feature does not diagnose disease.", "[0] The update is available in {int:20-40} countries.", "{person}, the {techrole}, said the algorithm was tested on data from thousands of volunteers.", "Battery life is about {int:5-10} days per charge.", "Privacy campaigners asked how long health data would be stored.", "[1] The tracker costs {int:99-299} dollars.", "Rivals are expected to launch similar features later this year."],
    },
    {
      t: ["[0] {techco} browser to block cross-site tracking by default", "[0] New browser update limits advertising cookies", "Advertisers brace for end of tracking cookies"],
      lead: ["The next version of the {techco} web browser will block third-party tracking cookies by default, limiting how advertisers follow users across websites.", "Advertisers are rethinking how they measure campaigns as major browsers restrict tracking cookies."],
      s: ["Users will be able to allow cookies for specific sites.", "Publishers fear a drop in advertising revenue.", "{person}, a privacy engineer, said the change was overdue.", "[0] The browser will also warn users when sites try to fingerprint their device.", "[0] The update will reach most users within {int:4-8} weeks.", "Advertising groups said the change would favour large platforms with logged-in users.", "[0] The company says the browser has about {int:200-700} million users."],
    },
    {
      t: ["Drone deliveries take off in {city} suburbs", "[0] {techco} wins approval for drone delivery network", "[1] {techco} drones deliver takeaway meals in minutes"],
      lead: ["{techco} has won regulatory approval to fly delivery drones beyond the sight of operators over suburbs of {city}.", "Drones operated by {techco} are delivering parcels and takeaway meals to homes around {city} within {int:10-30} minutes of ordering."],
      s: ["The drones lower packages on a tether from a height of about {int:20-40} metres.", "Each drone can carry up to {dec:1.5-3.5} kilograms.", "{person}, the {techrole}, said the system uses software to avoid aircraft and birds.", "Some residents complained about noise.", "The aviation authority will review safety data after the first year.", "The service operates only in daylight and good weather.", "The company plans to expand to {int:5-12} more towns."],
    },
  ],
};
