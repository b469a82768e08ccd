export default {
  pools: {
    hospital: ["St Brigid’s Hospital", "Riverside General Hospital", "the Royal Infirmary", "Mercy University Hospital", "Northside Children’s Hospital", "Lakeview Medical Centre", "the regional teaching hospital"],
    drug: ["lorvatinib", "cendraxumab", "pelunavir", "tazomeprine", "orvesitide", "dulamarex"],
    condition: ["type 2 diabetes", "heart failure", "severe asthma", "migraine", "rheumatoid arthritis", "chronic kidney disease", "psoriasis"],
    doctor: ["a consultant cardiologist", "a family doctor", "an emergency physician", "a public health specialist", "a paediatrician", "a senior nurse"],
  },
  train: [
    {
      t: ["[0] Measles cases climb in {city} as officials urge vaccination", "[1] Flu season arrives early, filling hospital beds", "[0] Health officials warn of {~measles|whooping cough|mumps} outbreak in schools"],
      lead: ["Health officials in {city} have recorded {int:40-160} measles cases since {month}, most of them in children who had not been vaccinated.", "Hospitals in {country} are treating an unusually high number of flu patients for the time of year, and officials are urging older people to get vaccinated."],
      s: ["Vaccination rates in some neighbourhoods have fallen below {int:80-88}%.", "Pop-up vaccine clinics will open in schools and community centres.", "{person}, {doctor}, said the infection spreads quickly among people who are not immune.", "[0] Most patients recover, but complications can be serious in infants.", "[0] Parents are advised to check their children’s vaccination records."],
    },
    {
      t: ["[0] Hospital waiting lists hit record {num:400000-900000}", "[1] Emergency department waits worsen at {hospital}", "Patients wait hours for beds as hospitals struggle"],
      lead: ["The number of patients waiting for planned hospital treatment in {country} reached a record {num:400000-900000} in {month}, official figures show.", "Patients at {hospital} in {city} waited an average of {int:6-14} hours in the emergency department last month before being admitted to a ward."],
      s: ["[0] Hip and knee operations have the longest waits.", "Hospital managers blame a shortage of beds and staff.", "{person}, {doctor}, said some patients were being treated in corridors.", "The health ministry promised extra funding for weekend surgery.", "Patient groups said delays were causing avoidable pain and disability."],
    },
    {
      t: ["Regulator approves new drug for {condition}", "{drug} gets green light for patients with {condition}", "New {condition} treatment to be offered by health service"],
      lead: ["The medicines regulator has approved {drug}, a new treatment for adults with {condition}, after trials showed it reduced hospital admissions by about {int:20-40}%.", "Patients with {condition} will be able to get {drug} through the public health service from {month}, the health technology agency said."],
      s: ["The drug is taken as a tablet once a day.", "Side effects included nausea and headaches in a minority of patients.", "The price agreed with the manufacturer has not been disclosed.", "{person}, {doctor}, said the treatment could help thousands of patients.", "Around {num:50000-300000} people in the country live with the condition."],
    },
    {
      t: ["Nurses strike over pay and staffing", "[0] Hospitals cancel operations as nurses walk out", "[1] Nurses’ union rejects {int:3-5}% pay offer"],
      lead: ["Thousands of nurses in {country} went on strike on {weekday}, forcing hospitals to cancel planned operations and outpatient appointments.", "The nurses’ union rejected a {int:3-5}% pay offer, saying it would not stop experienced staff leaving the profession."],
      s: ["[0] Emergency and intensive care services continued to operate.", "[0] About {num:5000-20000} appointments were postponed.", "{person}, a nurse at {hospital}, said wards were routinely understaffed.", "The health minister urged the union to return to talks.", "Vacancies for nurses stand at about {int:8-14}%."],
    },
    {
      t: ["[0] Daily walk linked to lower risk of {condition}, study finds", "[1] Eating more fibre may cut heart disease risk", "Lifestyle study adds to evidence on preventing chronic disease"],
      lead: ["People who walked at least {num:6000-8000} steps a day were {int:20-35}% less likely to develop {condition} over ten years, according to a study of {num:40000-90000} adults.", "A diet rich in fibre from vegetables, beans and whole grains was associated with a lower risk of heart disease in a large study published this week."],
      s: ["[0] The participants wore activity trackers for a week at the start of the study.", "The researchers adjusted for age, smoking and income.", "{person}, {doctor} who was not involved, said the findings support current advice.", "The study shows an association and cannot prove cause and effect.", "[0] Health authorities recommend at least 150 minutes of moderate exercise a week."],
    },
    {
      t: ["[0] Young people wait months for mental health support", "[1] New mental health hubs for teenagers open in {city}", "Demand for child mental health services doubles"],
      lead: ["Children and teenagers referred for mental health treatment in {country} are waiting an average of {int:12-30} weeks to be seen, a watchdog report found.", "Drop-in mental health centres for young people opened in {city} this week, offering counselling without a referral from a doctor."],
      s: ["Referrals for anxiety and eating disorders have risen sharply.", "Schools say they lack trained staff to help pupils in crisis.", "{person}, a clinical psychologist, said early help prevents problems from getting worse.", "The government pledged to train {num:1000-4000} more counsellors.", "Parents described long waits for help during a crisis."],
    },
    {
      t: ["[0] HPV vaccine offered to all teenagers in schools", "[1] Vaccination campaign aims to reach {num:200000-800000} children", "[1] Catch-up jabs for children who missed routine vaccines"],
      lead: ["All pupils aged {int:11-13} in {country} will be offered the HPV vaccine at school from {month}, extending a programme that previously covered only girls.", "Health authorities launched a catch-up campaign on {weekday} to vaccinate about {num:200000-800000} children who missed routine immunisations."],
      s: ["[0] The vaccine protects against viruses that cause several cancers.", "Parents will receive consent forms through schools.", "{person}, {doctor}, said vaccination rates had slipped during recent years.", "Mobile clinics will visit rural areas.", "Officials said the vaccines are safe and well studied."],
    },
    {
      t: ["Heat health alert issued as temperatures soar", "Doctors warn elderly to stay indoors during heatwave", "Hospitals prepare for heat-related admissions"],
      lead: ["Health authorities issued a heat health alert for {city} and surrounding areas, warning that older people and those with heart conditions are at risk.", "Doctors in {country} have urged people to drink water, avoid the midday sun and check on elderly neighbours as temperatures pass {int:38-44} degrees."],
      s: ["Hospitals have added staff to emergency departments.", "Symptoms of heatstroke include confusion, headache and a high body temperature.", "{person}, {doctor}, said many deaths during heatwaves are preventable.", "Care homes have been told to keep residents cool and hydrated.", "Cooling centres will open in public libraries."],
    },
    {
      t: ["[0] Salmonella outbreak linked to salad leaves", "[1] {int:40-120} people fall ill after food festival in {city}", "[0] Food poisoning outbreak prompts recall"],
      lead: ["At least {int:40-120} people have been sickened by salmonella linked to bagged salad leaves, the food safety agency said on {weekday}.", "Health inspectors are investigating an outbreak of food poisoning after dozens of people fell ill following a street food festival in {city}."],
      s: ["Of those, {int:5-14} needed hospital treatment.", "[0] The affected products have been withdrawn from shops.", "{person}, {doctor}, said most people recover within a week.", "Laboratory tests matched samples from patients to the same strain.", "[0] Consumers were told to throw away products with the listed dates."],
    },
    {
      t: ["[0] Rural clinics close as family doctors retire", "[0] Patients in {city} region struggle to find a GP", "[1] Government offers bonuses to doctors who move to rural areas"],
      lead: ["{int:6-20} rural health clinics in the {city} region have closed in the last two years because retiring family doctors could not be replaced.", "The government will pay bonuses of up to {num:20000-50000} dollars to newly qualified doctors who work in rural practices for at least three years."],
      s: ["Some patients now drive more than an hour for an appointment.", "Pharmacists have been given powers to treat minor illnesses.", "{person}, {doctor} who covers three villages, said workloads were unsustainable.", "Telemedicine services are being expanded to fill gaps.", "Medical schools are adding places for students from rural areas."],
    },
    {
      t: ["[0] Lung cancer screening to be offered to former smokers", "[1] Breast cancer screening age lowered to {int:40-45}", "Screening programme detects cancers earlier"],
      lead: ["Former smokers aged 55 to 74 in {country} will be offered lung scans under a national screening programme, health officials announced.", "Women in {country} will be invited for breast cancer screening from age {int:40-45} instead of 50, after a review of the evidence."],
      s: ["Pilot programmes found most cancers at an early, treatable stage.", "The programme will need hundreds more radiographers.", "{person}, {doctor}, said early detection greatly improves survival.", "Invitations will be sent by letter and text message.", "Charities welcomed the change but warned about staffing."],
    },
    {
      t: ["Pharmacies report shortages of common medicines", "Shortage of antibiotics leaves parents searching pharmacies", "Drug shortages blamed on supply problems"],
      lead: ["Pharmacies in {country} are reporting shortages of more than {int:50-150} common medicines, including some antibiotics and blood pressure tablets.", "Parents in {city} said they visited several pharmacies to find antibiotic syrup for their children amid a national shortage."],
      s: ["Manufacturers blame rising demand and problems at factories abroad.", "Pharmacists are allowed to substitute similar medicines in some cases.", "{person}, a pharmacist, said staff spend hours each day hunting for stock.", "The medicines agency is working with suppliers to increase deliveries.", "Patients were advised not to stockpile."],
    },
  ],
  sample: [
    {
      t: ["Dengue cases surge after heavy rains", "Mosquito-borne illness spreads in {city}", "Health teams fumigate neighbourhoods as dengue rises"],
      lead: ["Health authorities in {city} have recorded more than {num:2000-9000} dengue cases this year, almost double the number at the same point last year.", "Teams are spraying insecticide and clearing standing water in {city} after a rise in dengue fever, a mosquito-borne infection."],
      s: ["Heavy rains left pools of water where mosquitoes breed.", "Symptoms include high fever, severe headache and joint pain.", "Hospitals have set up extra beds for patients needing fluids.", "{person}, {doctor}, said people should seek care if they have bleeding or severe stomach pain.", "Residents were urged to empty containers and use repellent.", "A dengue vaccine is available for some age groups.", "Most patients recover within two weeks."],
    },
    {
      t: ["[0] Asthma admissions rise on high-pollution days", "[1] Doctors link smog to more children in hospital", "Pollution alert: people with lung conditions told to stay inside"],
      lead: ["Hospital admissions for asthma in {city} rise by about {int:10-25}% on days with high air pollution, a study of local health records found.", "Doctors in {city} reported more children arriving at emergency departments with breathing problems during a week of heavy smog."],
      s: ["Traffic and wood burning are the main sources of fine particles in winter.", "Children and older people are most at risk.", "{person}, {doctor}, said inhalers should be carried at all times.", "The city will send alerts to residents on high-pollution days.", "Schools were advised to keep pupils indoors during break times.", "Pharmacies reported higher sales of reliever inhalers.", "Health groups asked for tighter limits on vehicle emissions."],
    },
    {
      t: ["Weight-loss injections to be offered more widely", "Demand for obesity drugs outstrips supply", "Doctors debate who should get new weight-loss medicines"],
      lead: ["The public health service in {country} will offer weight-loss injections to more patients with obesity and related conditions, starting with those at highest risk.", "Pharmacies say demand for weekly weight-loss injections has outstripped supply, leaving some patients unable to continue treatment."],
      s: ["In trials, patients lost around {int:12-20}% of their body weight.", "The medicines work by reducing appetite.", "Side effects include nausea, and weight often returns when treatment stops.", "{person}, {doctor}, said the drugs must be combined with diet and exercise support.", "The cost to the health service could reach hundreds of millions of dollars a year.", "Regulators have warned about fake versions sold online.", "About a quarter of adults in the country are classed as obese."],
    },
    {
      t: ["[0] {hospital} opens new maternity unit", "[1] Midwife-led birth centre opens in {city}", "Maternity services expanded after safety review"],
      lead: ["{hospital} in {city} opened a new maternity unit on {weekday}, with {int:20-40} birthing rooms and a neonatal intensive care ward.", "A new midwife-led birth centre in {city} aims to give women more choice and reduce pressure on the main hospital labour ward."],
      s: ["The unit expects to deliver about {num:4000-7000} babies a year.", "[0] Parents can stay overnight with babies in intensive care.", "{person}, head of midwifery, said staff had been closely involved in the design.", "A safety review last year found staffing gaps in maternity services.", "The unit cost about {int:40-90} million dollars.", "Antenatal classes will be offered in several languages.", "The old maternity wing will become an outpatient centre."],
    },
    {
      t: ["Dementia cases expected to double by {int:2045-2050}", "Families struggle to find dementia care", "New memory clinics aim to speed diagnosis"],
      lead: ["The number of people living with dementia in {country} is expected to double by {int:2045-2050} as the population ages, a report by health researchers warned.", "Families caring for relatives with dementia say they face long waits for diagnosis and support, according to a survey by a patients’ charity."],
      s: ["Currently about {num:150000-600000} people have a diagnosis.", "Many cases are never formally diagnosed.", "{person}, a geriatrician, said early diagnosis helps families plan care.", "Care home places have not kept pace with demand.", "New memory clinics will open in {city} and {city2}.", "Unpaid carers save the health system billions each year.", "Researchers say reducing blood pressure and hearing loss could prevent some cases."],
    },
    {
      t: ["[0] Doctors warn of rise in drug-resistant infections", "Hospitals ordered to curb antibiotic prescriptions", "[1] Superbug cases prompt ward closures"],
      lead: ["Infections resistant to common antibiotics rose by about {int:8-20}% last year, according to the national public health agency.", "A hospital in {city} closed two wards to new admissions after an outbreak of a drug-resistant bacterial infection."],
      s: ["Overuse of antibiotics in people and animals drives resistance.", "[1] Patients were moved to isolation rooms and visitors were restricted.", "{person}, a microbiologist, said few new antibiotics are in development.", "Doctors are being asked to avoid antibiotics for viral infections.", "Hand hygiene checks are being stepped up on all wards.", "Resistant infections make routine surgery riskier.", "The agency will publish prescribing data for each hospital."],
    },
    {
      t: ["[0] {country} to ban disposable vapes", "[1] Smoking ban extended to outdoor restaurant terraces", "[0] Youth vaping rates prompt tougher rules"],
      lead: ["{country} will ban disposable e-cigarettes from {month}, the health ministry said, citing a sharp rise in vaping among teenagers.", "Smoking will be banned on restaurant terraces, beaches and near school gates under rules approved on {weekday}."],
      s: ["[0] Surveys show about one in {~five|six|seven} teenagers has tried vaping.", "[0] Flavours and packaging aimed at children will also be restricted.", "{person}, {doctor}, said nicotine addiction can start quickly in young people.", "Shop owners warned of a black market.", "Smoking rates among adults have fallen to about {int:11-18}%.", "Fines for selling to minors will increase.", "Health groups said the rules would protect a generation."],
    },
    {
      t: ["Ambulance response times worsen in {city}", "Patients wait hours for ambulances as crews queue at hospitals", "Extra ambulances promised after damning report"],
      lead: ["Ambulances in {city} took an average of {int:35-70} minutes to reach patients with suspected heart attacks or strokes last month, far above the target.", "Ambulance crews in {city} are spending hours waiting outside hospitals to hand over patients, delaying responses to new emergency calls."],
      s: ["The target for the most serious calls is {int:7-8} minutes.", "Crews described waiting an entire shift outside one hospital.", "{person}, a paramedic, said colleagues were exhausted.", "The regional health board promised {int:20-50} more ambulances.", "Hospitals say they cannot discharge patients because of a lack of care home places.", "A patient safety body is reviewing cases of harm caused by delays.", "Call handlers are triaging more calls over the phone."],
    },
  ],
};
