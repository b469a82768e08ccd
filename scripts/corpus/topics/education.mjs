export default {
  pools: {
    exam: ["the national school-leaving exam", "the baccalaureate", "final-year maths exams", "the secondary certificate", "university entrance exams"],
    uni: ["the University of {city}", "{city} Technical University", "Northbridge University", "the State University of {city}", "Harwick College"],
    district: ["the {city} school district", "the northern school board", "the {city} education authority", "the county school system"],
    subject: ["maths", "physics", "computer science", "chemistry", "modern languages", "special education"],
  },
  train: [
    {
      t: ["[0] Pass rate rises in {exam}", "[1] {exam} results: more top grades in {subject}", "Students celebrate as {exam} results published"],
      lead: ["About {int:78-92}% of students passed {exam} this year, up from {int:70-77}% last year, the education ministry announced on {weekday}.", "Results of {exam} published on {weekday} showed more students achieving top grades in {subject}, reversing a decline since the pandemic."],
      s: ["Girls outperformed boys in most subjects.", "The gap between students in rich and poor areas widened slightly.", "{person}, head teacher of a secondary school in {city}, said pupils had worked hard to catch up on lost learning.", "Students who narrowly failed can resit in {month}.", "Examiners said answers showed better reasoning skills."],
    },
    {
      t: ["[0] Teacher shortage leaves {num:2000-9000} posts unfilled", "[0] Schools struggle to hire {subject} teachers", "[1] Teachers strike over pay and class sizes"],
      lead: ["Schools in {country} began the year with about {num:2000-9000} teaching posts unfilled, with shortages worst in {subject} and special education.", "Teachers across {country} went on strike on {weekday}, closing hundreds of schools, in a dispute over pay and class sizes."],
      s: ["[0] Some classes are being taught by staff without a teaching qualification.", "Unions say pay has fallen behind other graduate professions.", "{person}, who teaches in {city}, said workloads had become unmanageable.", "[0] The government has offered bonuses to new teachers in shortage subjects.", "[1] Parents were advised to check school websites for closures."],
    },
    {
      t: ["[0] Universities raise tuition fees by {int:4-12}%", "[1] Students protest against higher fees at {uni}", "Fee rise sparks debate about student debt"],
      lead: ["Universities in {country} will raise tuition fees by {int:4-12}% next year after the government lifted a cap that had been frozen for a decade.", "Hundreds of students occupied a lecture hall at {uni} on {weekday} to protest against a planned rise in tuition fees."],
      s: ["Average student debt on graduation already exceeds {num:30000-50000} dollars.", "University leaders said fees had not kept pace with costs.", "{person}, president of the student union, said the rise would put off poorer applicants.", "Grants for low-income students will increase slightly.", "The government said it would review student finance next year."],
    },
    {
      t: ["[0] {int:8-25} schools to close as pupil numbers fall", "Falling birth rate leaves classrooms empty in {city}", "[1] Parents fight plan to merge village schools"],
      lead: ["{^district} plans to close {int:8-25} schools over the next three years because of falling enrolment caused by a declining birth rate.", "Parents in villages near {city} are fighting a plan to merge their small primary schools into a single larger school."],
      s: ["Some schools are less than half full.", "Officials said keeping half-empty buildings open was too costly.", "{person}, a parent, said young children should not have to travel an hour to school.", "Closed buildings could be converted into community centres.", "A public consultation runs until {month}."],
    },
    {
      t: ["[0] Coding lessons to become compulsory in primary schools", "[1] New curriculum adds financial literacy classes", "Curriculum overhaul adds practical skills"],
      lead: ["Pupils in {country} will learn computer programming from the age of {int:7-9} under a new national curriculum announced by the education minister.", "Secondary schools will teach students how to manage money, understand loans and budget, under changes to the curriculum from {month}."],
      s: ["Teachers will receive training over the summer.", "Critics said the curriculum was already overcrowded.", "{person}, who chairs the curriculum review, said the aim was practical skills for modern life.", "Lessons will take about one hour a week.", "Schools will receive new teaching materials free of charge."],
    },
    {
      t: ["[0] Free school meals extended to all primary pupils", "[1] School lunch programme reaches {num:200000-900000} children", "[1] Free school lunches win praise from teachers"],
      lead: ["All primary school pupils in {country} will receive free lunches from {month}, the government said, extending a scheme that was limited to low-income families.", "A programme providing free school lunches now reaches {num:200000-900000} children, and teachers say concentration in afternoon lessons has improved."],
      s: ["[0] Schools will need to expand kitchens and hire cooks.", "The meals must meet nutrition standards.", "{person}, head of a primary school in {city}, said some children arrived hungry every day.", "Local farms will supply some of the food.", "The scheme will cost about {int:300-900} million dollars a year."],
    },
    {
      t: ["[0] Mobile phones banned in schools from next term", "[1] Phone ban improves behaviour, head teachers say", "Schools lock away pupils’ phones during lessons"],
      lead: ["Pupils in {country} will not be allowed to use mobile phones during the school day from next term, under guidance from the education ministry.", "Head teachers at schools that banned phones say behaviour and concentration have improved, according to a survey of {int:200-800} schools."],
      s: ["Phones will be stored in lockers or pouches.", "Some parents worry about contacting children in an emergency.", "{person}, a head teacher in {city}, said break times had become more social.", "Teachers can allow phones for specific lessons.", "Research on the effects of bans on learning is mixed."],
    },
    {
      t: ["[0] International student applications fall at universities", "[0] Visa changes hit overseas student numbers", "[1] {uni} climbs in global university rankings"],
      lead: ["Applications from international students to universities in {country} fell {int:8-25}% this year, after tighter visa rules for family members.", "{uni} rose {int:10-40} places in a global ranking of universities, driven by research citations and international staff."],
      s: ["[0] International students pay higher fees and subsidise research.", "[0] Universities warned that some courses may close.", "[0] {person}, a vice-chancellor, said the sector was facing a funding crisis.", "[1] Rankings measure reputation, research and teaching ratios.", "[0] Students from {country2} make up the largest group.", "[1] The university has hired {int:40-120} new researchers in the past two years.", "[1] University leaders said the ranking would help attract students from abroad."],
    },
    {
      t: ["[0] Reading scores of {int:9-10}-year-olds improve", "[1] International test shows maths skills slipping", "[0] {country} pupils rank {~third|fifth|eighth|tenth} in global reading test"],
      lead: ["Children aged {int:9-10} in {country} improved their reading scores in an international assessment, after a push on phonics teaching.", "Maths skills of 15-year-olds in {country} fell for the second time in a row in an international assessment of school systems."],
      s: ["About {num:5000-9000} pupils in {int:150-300} schools took part in the tests.", "[1] The decline was steepest among lower-performing students.", "[0] {person}, an education researcher, said daily reading time made a big difference.", "Officials promised extra tutoring for struggling pupils.", "The next assessment will be held in three years."],
    },
    {
      t: ["[0] Schools closed over unsafe concrete", "[1] Crumbling buildings force pupils into temporary classrooms", "Repairs to school buildings to cost billions"],
      lead: ["Around {int:20-120} schools in {country} were told to close buildings before the start of term after inspectors found a type of lightweight concrete at risk of collapse.", "Pupils at a secondary school in {city} are being taught in portable classrooms after parts of the main building were declared unsafe."],
      s: ["[0] Engineers will survey all schools built between the 1950s and 1980s.", "Some pupils have returned to online lessons.", "{person}, a parent, said families had been given just days of notice.", "The education ministry said safety was the priority.", "A backlog of repairs has built up over years of limited budgets."],
    },
    {
      t: ["[0] Parents struggle to find preschool places", "[1] Free childcare hours extended to two-year-olds", "[0] Nursery staff shortage limits preschool expansion"],
      lead: ["Parents in {city} are waiting months for preschool places, as nurseries struggle to recruit staff to meet demand from a new free childcare scheme.", "Families with children aged two will be entitled to {int:15-30} hours of free early education a week from {month}."],
      s: ["Early years staff earn little more than the minimum wage.", "Some nurseries have closed rooms because they cannot hire.", "{person}, who runs a nursery, said funding did not cover costs.", "Research shows high-quality early education helps children from poorer homes.", "Local councils will publish lists of available places."],
    },
    {
      t: ["[0] Apprenticeship starts rise as students look beyond university", "[1] Vocational college opens new training centre", "[0] More teenagers choose technical courses"],
      lead: ["The number of young people starting apprenticeships in {country} rose {int:8-20}% this year, as more school leavers look for routes into work without university debt.", "A vocational college in {city} opened a training centre for electricians and plumbers on {weekday}."],
      s: ["Apprentices combine paid work with classroom study.", "Employers say they cannot find enough skilled workers.", "{person}, a {int:17-19}-year-old apprentice, said earning while learning was the main attraction.", "[1] The college will train about {int:400-1200} students a year.", "Courses are designed with local employers."],
    },
  ],
  sample: [
    {
      t: ["Students face housing shortage as term begins", "Universities in {city} scramble to find student rooms", "Rent rises push students into long commutes"],
      lead: ["Thousands of students starting university in {city} have no place to live, as rents rise and landlords convert flats into short-term holiday lets.", "{uni} is housing new students in hotels because it has run out of rooms in its halls of residence."],
      s: ["Average rent for a student room has risen {int:15-35}% in two years.", "Some students are commuting more than two hours each way.", "{person}, a first-year student, said a week was spent sleeping on a friend’s sofa.", "[1] The university plans to build {num:1000-3000} new rooms.", "The student union has asked for rent controls.", "Some students have deferred their places.", "Local residents have objected to new student blocks."],
    },
    {
      t: ["[0] Universities rethink exams as students use AI tools", "[1] AI cheating cases rise at {uni}", "[0] Return of handwritten exams as chatbots spread"],
      lead: ["Universities in {country} are bringing back handwritten and oral exams as students increasingly use AI chatbots to write essays.", "{uni} recorded {int:200-700} suspected cases of students submitting AI-generated work last year, almost triple the year before."],
      s: ["Detection software is unreliable and can falsely accuse students.", "Some lecturers are designing assignments that require personal reflection.", "{person}, a professor of education, said universities must teach students to use AI responsibly.", "Students said rules on what is allowed vary between courses.", "Penalties range from a zero mark to expulsion.", "[1] The university plans new guidance before the next term.", "Some courses now permit AI tools if their use is declared."],
    },
    {
      t: ["School bus driver shortage leaves pupils stranded", "Parents scramble as school routes are cancelled", "{^district} raises pay to attract bus drivers"],
      lead: ["{^district} cancelled {int:12-40} school bus routes this week because it could not find enough drivers, leaving parents to arrange lifts.", "Hundreds of pupils in {city} arrived late to school after a shortage of bus drivers forced route cuts."],
      s: ["Drivers need a special licence and background checks.", "The district is offering a signing bonus of {num:1000-3000} dollars.", "{person}, a parent of two, said the nearest school is {int:8-20} kilometres away.", "Some older pupils are being given public transport passes.", "Attendance has fallen on the affected routes.", "The transport manager said new drivers are being trained.", "Walking routes are being reviewed for safety."],
    },
    {
      t: ["Special needs pupils wait months for support", "Funding gap for special education grows", "Parents take councils to tribunal over school support"],
      lead: ["Children with special educational needs in {country} are waiting an average of {int:20-40} weeks for assessments, a report by school inspectors found.", "Councils face a shortfall of hundreds of millions of dollars in special education budgets, as demand for support rises."],
      s: ["Many specialist schools are full.", "Some children have been out of school for months.", "{person}, whose son has autism, said the family had to go to a tribunal to get support.", "The government promised to create {num:5000-15000} new specialist places.", "Teachers in mainstream schools say they lack training.", "Tribunal cases have more than doubled in five years.", "Inspectors called for earlier help in primary schools."],
    },
    {
      t: ["[0] Adults return to classroom for evening courses", "[0] Night school enrolments rise as workers retrain", "[1] Free courses for adults who left school without qualifications"],
      lead: ["Enrolments in evening classes for adults in {city} have risen by about {int:15-40}% this year, led by courses in English, maths and digital skills.", "Adults without a school-leaving qualification in {country} will be able to take free courses from {month}."],
      s: ["Most students are in their 30s and 40s.", "Classes are held at community centres and libraries.", "{person}, a {int:38-55}-year-old returning to study, said it was never too late.", "Employers are funding some places.", "Online courses are available for those who work shifts.", "Tutors say adult students are highly motivated.", "Funding for adult education has been cut in recent years."],
    },
    {
      t: ["[0] University staff strike over pensions", "[0] Lectures cancelled as academics walk out", "[1] Marking boycott threatens graduations at {uni}"],
      lead: ["Lecturers at {int:30-70} universities in {country} began a strike on {weekday} over changes to their pension scheme.", "Academics at {uni} have refused to mark exams, putting the graduation of thousands of students at risk."],
      s: ["The union says the changes will cut retirement income by about a third.", "[0] Students have asked for refunds for missed teaching.", "{person}, a lecturer in {subject}, said staff had no choice.", "University employers said the scheme had a large deficit.", "Talks are expected to resume next week.", "[1] Some students will graduate without final grades.", "Student groups have mostly supported the strike."],
    },
    {
      t: ["[0] Schools trial four-day week to retain teachers", "[1] Longer school day proposed to help pupils catch up", "Change to school calendar splits parents"],
      lead: ["Some {int:20-60} schools in rural districts of {country} have moved to a four-day week, hoping the change will help them recruit and keep teachers.", "The education ministry in {country} proposed adding {int:30-60} minutes to the school day to help pupils catch up on lost learning."],
      s: ["[0] Schools on a four-day week have longer days from Monday to Thursday.", "[0] Working parents worry about childcare on the fifth day.", "[0] {person}, a teacher, said the extra day off helped prevent burnout.", "Researchers are tracking the effect on results.", "[1] Teachers’ unions want extra pay for longer hours.", "[1] The change would start in {month} if approved.", "[0] Some schools offer optional clubs on the day off.", "[1] Parents’ groups said pupils were already tired by the end of the day.", "[1] The ministry said schools would receive extra funding for staff."],
    },
    {
      t: ["Scholarships aim to help first-generation students", "[0] {uni} launches free tuition for low-income students", "[1] Donor funds {int:200-600} scholarships at {uni}"],
      lead: ["{uni} will offer free tuition to students from families earning less than {num:60000-90000} dollars a year, starting next autumn.", "A donor has given {int:20-90} million dollars to fund scholarships for students who are the first in their family to attend university."],
      s: ["First-generation students are more likely to drop out because of money worries.", "[1] Mentors will be assigned to each scholarship student.", "{person}, who was the first in the family to attend university, said the support would change lives.", "Applications open in {month}.", "[0] The university hopes to double the number of low-income students.", "[1] The scholarships also cover housing costs.", "Other universities are expected to follow."],
    },
  ],
};
