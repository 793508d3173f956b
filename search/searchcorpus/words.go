package searchcorpus

// Word lists. Lists drawn with Zipf weights (see zipf) are ordered most frequent first.

// familyNames: German family names, roughly in the order of their frequency. Several are also
// German words or stem like one ("Müller"/"Müll", "Schäfer"/"Schaf", "Koch", "Bauer", "Klein",
// "Groß", "Weiß", "Lange", "Winter"), which is what the name rule of the index must handle.
var familyNames = []string{
	"Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz",
	"Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann",
	"Schwarz", "Zimmermann", "Braun", "Krüger", "Hofmann", "Hartmann", "Lange", "Schmitt",
	"Werner", "Schmitz", "Krause", "Meier", "Lehmann", "Schmid", "Schulze", "Maier", "Köhler",
	"Herrmann", "König", "Walter", "Mayer", "Huber", "Kaiser", "Fuchs", "Peters", "Lang",
	"Scholz", "Möller", "Weiß", "Jung", "Hahn", "Schubert", "Vogel", "Friedrich", "Keller",
	"Günther", "Frank", "Berger", "Winkler", "Roth", "Beck", "Lorenz", "Baumann", "Franke",
	"Albrecht", "Schuster", "Simon", "Ludwig", "Böhm", "Winter", "Kraus", "Martin", "Schumacher",
	"Krämer", "Vogt", "Stein", "Jäger", "Otto", "Sommer", "Groß", "Seidel", "Heinrich", "Brandt",
	"Haas", "Schreiber", "Graf", "Schulte", "Dietrich", "Ziegler", "Kuhn", "Kühn", "Pohl",
	"Engel", "Horn", "Busch", "Bergmann", "Thomas", "Voigt", "Sauer", "Arnold", "Wolff",
	"Pfeiffer", "Meißner", "Jürgens", "Gärtner", "Förster", "Yılmaz", "Kaya", "Demir", "Şahin",
	"Nowak", "Kowalski", "Wiśniewski", "Ivanov", "Popescu", "Rossi", "Papadopoulos", "Nguyen",
	"Ahmadi", "Haddad", "Hübner", "Brückner", "Lührs", "Dürr", "Fröhlich", "Böttcher", "Grün",
	"Schütz", "Schütte", "Lück", "Stöckl", "Nöth", "Rühl", "Mößner", "Strauß", "Voß", "Preuß",
	"Heß", "Weißmann", "Großmann", "Kloß", "Ruß", "Süß", "Thießen", "Janßen", "Matthießen",
	"Petersen", "Hansen", "Jansen", "Nissen", "Carstens", "Claußen", "Ehlers", "Harms",
	"Behrens", "Brinkmann", "Kramer", "Wendt", "Thiele", "Wenzel", "Kühne", "Schilling",
	"Hesse", "Ernst", "Pieper", "Lindner", "Marx", "Runge", "Brand", "Wegner", "Kirchner",
	"Rieger", "Seifert", "Ebert", "Fritz", "Ulrich", "Kurz", "Dörr", "Müllner", "Mühlbauer",
	"Lüdtke", "Wöhler", "Tönnies", "Knöpfle", "Häußler", "Bächle", "Würth", "Schäuble",
	"Blümel", "Rösch", "Löffler", "Göbel", "Jöst", "Kröger", "Schröter", "Köster", "Röder",
	"Hüttner", "Wübbena", "Oltmanns", "de Vries", "van Dijk",
}

// familyRoots and familySuffixes make the long tail of family names: "Obermüller",
// "Steinbacher", "Großmann", "Weißenberger". About 60 % of households have one of these, so
// the most frequent name (Müller) is about 4 % of citizens, not a tenth. Compounds ending in
// "müller" are other names than Müller to the index, which the name tests rely on.
var familyRoots = []string{
	"Brink", "Holt", "Mühl", "Wester", "Oster", "Sonnen", "Rosen", "Linden", "Eichen", "Buch",
	"Bach", "Berg", "Stein", "Hof", "Kirch", "Wald", "Feld", "Dorn", "Hagen", "Grün", "Schön",
	"Kalten", "Wiesen", "Lohr", "Brück", "Hölz", "Neu", "Alt", "Klein", "Groß", "Ober", "Nieder",
	"Weiß", "Schwarz", "Roth", "Lang", "Blum", "Häus", "Düssel", "Tann",
}

var familySuffixes = []string{
	"mann", "er", "meier", "hoff", "berger", "bacher", "felder", "hauser", "kamp", "huber",
	"inger", "ner", "holz", "wald", "mayer", "bauer", "schmidt", "müller", "bach", "hagen",
	"ecker", "reuther", "länder", "höfer", "städter",
}

// givenFemale and givenMale: given names, most frequent first (over the birth years of a
// municipal population, not of one year).
var givenFemale = []string{
	"Anna", "Maria", "Ursula", "Monika", "Petra", "Sabine", "Renate", "Helga", "Karin",
	"Brigitte", "Gisela", "Ingrid", "Susanne", "Claudia", "Andrea", "Stefanie", "Nicole",
	"Julia", "Katharina", "Lena", "Lea", "Hannah", "Emma", "Mia", "Sophie", "Marie", "Emilia",
	"Lina", "Clara", "Charlotte", "Jutta", "Bärbel", "Birgit", "Heike", "Anke", "Silke",
	"Kerstin", "Martina", "Daniela", "Christina", "Laura", "Sarah", "Lisa", "Johanna",
	"Greta", "Frieda", "Mathilda", "Jana", "Özlem", "Ayşe", "Fatma", "Zeynep", "Elif",
	"Agnieszka", "Małgorzata", "Olga", "Svetlana", "Renée", "Chloé", "Zoë", "Jördis", "Dörte",
	"Käthe", "Hülya", "Hedwig", "Gertrud", "Erika", "Elfriede", "Waltraud", "Hiltrud",
}

var givenMale = []string{
	"Michael", "Thomas", "Andreas", "Peter", "Stefan", "Klaus", "Hans", "Jürgen", "Frank",
	"Uwe", "Markus", "Christian", "Alexander", "Daniel", "Tobias", "Jan", "Lukas", "Jonas",
	"Leon", "Finn", "Felix", "Paul", "Maximilian", "Elias", "Noah", "Ben", "Luca", "Wolfgang",
	"Günter", "Jörg", "Björn", "Sören", "Dieter", "Manfred", "Werner", "Horst", "Rainer",
	"Matthias", "Sebastian", "Florian", "Moritz", "Henrik", "Mehmet", "Ali", "Murat",
	"Hüseyin", "Yusuf", "Mustafa", "Piotr", "Krzysztof", "Andrzej", "Dmitri", "Sergej",
	"Oleksandr", "René", "José", "François", "Søren", "Jürn", "Ömer", "Gökhan", "Ünal",
	"Karl-Heinz", "Hans-Jürgen", "Heinz", "Fritz", "Otto", "Ernst",
}

// city is a German town with a postal code; home towns also have a dialling code and a
// web name.
type city struct {
	name, plz, area, web string
}

// homeTowns: the municipality whose archive the corpus is; Options.Seed picks one.
var homeTowns = []city{
	{"Lüneburg", "21335", "04131", "lueneburg"},
	{"Görlitz", "02826", "03581", "goerlitz"},
	{"Müllheim", "79379", "07631", "muellheim"},
	{"Göttingen", "37073", "0551", "goettingen"},
	{"Tübingen", "72070", "07071", "tuebingen"},
	{"Fürth", "90762", "0911", "fuerth"},
	{"Lübeck", "23552", "0451", "luebeck"},
	{"Würzburg", "97070", "0931", "wuerzburg"},
	{"Osnabrück", "49074", "0541", "osnabrueck"},
	{"Gießen", "35390", "0641", "giessen"},
}

// cities: other towns (previous addresses, birth places, tax offices), most frequent first.
var cities = []city{
	{name: "Berlin", plz: "10115"}, {name: "Hamburg", plz: "20095"}, {name: "München", plz: "80331"},
	{name: "Köln", plz: "50667"}, {name: "Frankfurt am Main", plz: "60311"}, {name: "Stuttgart", plz: "70173"},
	{name: "Düsseldorf", plz: "40213"}, {name: "Leipzig", plz: "04109"}, {name: "Dortmund", plz: "44135"},
	{name: "Essen", plz: "45127"}, {name: "Bremen", plz: "28195"}, {name: "Dresden", plz: "01067"},
	{name: "Hannover", plz: "30159"}, {name: "Nürnberg", plz: "90402"}, {name: "Bochum", plz: "44787"},
	{name: "Wuppertal", plz: "42103"}, {name: "Bielefeld", plz: "33602"}, {name: "Bonn", plz: "53111"},
	{name: "Münster", plz: "48143"}, {name: "Mannheim", plz: "68159"}, {name: "Karlsruhe", plz: "76133"},
	{name: "Augsburg", plz: "86150"}, {name: "Wiesbaden", plz: "65183"}, {name: "Mönchengladbach", plz: "41061"},
	{name: "Gelsenkirchen", plz: "45879"}, {name: "Aachen", plz: "52062"}, {name: "Braunschweig", plz: "38100"},
	{name: "Kiel", plz: "24103"}, {name: "Chemnitz", plz: "09111"}, {name: "Halle (Saale)", plz: "06108"},
	{name: "Magdeburg", plz: "39104"}, {name: "Freiburg im Breisgau", plz: "79098"}, {name: "Krefeld", plz: "47798"},
	{name: "Mainz", plz: "55116"}, {name: "Lübeck", plz: "23552"}, {name: "Erfurt", plz: "99084"},
	{name: "Oberhausen", plz: "46045"}, {name: "Rostock", plz: "18055"}, {name: "Kassel", plz: "34117"},
	{name: "Hagen", plz: "58095"}, {name: "Potsdam", plz: "14467"}, {name: "Saarbrücken", plz: "66111"},
	{name: "Lüneburg", plz: "21335"}, {name: "Görlitz", plz: "02826"}, {name: "Müllheim", plz: "79379"},
	{name: "Göttingen", plz: "37073"}, {name: "Tübingen", plz: "72070"}, {name: "Fürth", plz: "90762"},
	{name: "Würzburg", plz: "97070"}, {name: "Osnabrück", plz: "49074"}, {name: "Gießen", plz: "35390"},
	{name: "Oldenburg", plz: "26122"}, {name: "Regensburg", plz: "93047"}, {name: "Paderborn", plz: "33098"},
	{name: "Jena", plz: "07743"}, {name: "Ulm", plz: "89073"}, {name: "Heilbronn", plz: "74072"},
	{name: "Trier", plz: "54290"}, {name: "Koblenz", plz: "56068"}, {name: "Heidelberg", plz: "69117"},
	{name: "Neumünster", plz: "24534"}, {name: "Jülich", plz: "52428"}, {name: "Zülpich", plz: "53909"},
	{name: "Völklingen", plz: "66333"}, {name: "Königswinter", plz: "53639"}, {name: "Mölln", plz: "23879"},
	{name: "Füssen", plz: "87629"}, {name: "Überlingen", plz: "88662"}, {name: "Öhringen", plz: "74613"},
	{name: "Bad Dürkheim", plz: "67098"}, {name: "Weißenfels", plz: "06667"}, {name: "Bückeburg", plz: "31675"},
	{name: "Nördlingen", plz: "86720"}, {name: "Günzburg", plz: "89312"}, {name: "Tönning", plz: "25832"},
}

// countries: destinations of people moving abroad.
var abroad = []string{
	"Wien, Österreich", "Zürich, Schweiz", "Kraków, Polen", "İzmir, Türkei", "Palma, Spanien",
	"Amsterdam, Niederlande", "Strasbourg, Frankreich", "Bozen, Italien", "Toronto, Kanada",
	"Göteborg, Schweden", "København, Dänemark", "Lissabon, Portugal", "Thessaloniki, Griechenland",
	"Salzburg, Österreich", "Basel, Schweiz", "Brno, Tschechien", "Sydney, Australien",
}

// streets: German street names, most frequent first.
var streets = []string{
	"Hauptstraße", "Schulstraße", "Gartenstraße", "Bahnhofstraße", "Dorfstraße", "Bergstraße",
	"Birkenweg", "Lindenstraße", "Kirchstraße", "Waldstraße", "Ringstraße", "Schillerstraße",
	"Goethestraße", "Mühlenweg", "Amselweg", "Jahnstraße", "Wiesenweg", "Rosenstraße",
	"Lessingstraße", "Feldstraße", "Buchenweg", "Am Sportplatz", "Mozartstraße", "Eichenweg",
	"Parkstraße", "Blumenstraße", "Kastanienallee", "Am Mühlbach", "Fröbelstraße",
	"Königsberger Straße", "Grüner Weg", "Südring", "Brückenstraße", "Schützenstraße",
	"Mühlenstraße", "Lärchenweg", "Ahornweg", "Talstraße", "Im Winkel", "Höhenweg",
	"Uhlandstraße", "Böttcherstraße", "Große Bäckerstraße", "Am Sande", "Rote Straße",
	"Heiligengeiststraße", "Friedrich-Ebert-Straße", "Beethovenstraße", "Am Anger", "Marktplatz",
	"Gänsemarkt", "Fischergrube", "Untere Schmiedgasse", "Obere Mühlgasse", "Hölderlinweg",
	"Schlüterstraße", "Brüderstraße", "Käthe-Kollwitz-Straße", "Geschwister-Scholl-Straße",
	"Sophie-Scholl-Weg", "Am Wäldchen", "Zur Schäferei", "Schäferweg", "Fuchsbau", "Hasenpfad",
	"Am Stadtgraben", "Wallstraße", "Töpferstraße", "Gerberstraße", "Weberstraße", "Färberweg",
	"Am Kreuzberg", "Auf der Höhe", "Im Grund", "Sülzwiesen", "Ölmühlenweg", "Zur Überfahrt",
}

// clerks: staff who sign letters and note their work.
var clerks = []string{
	"Frau Köhler", "Herr Jansen", "Frau Petersen", "Herr Özdemir", "Frau Weiß", "Herr Großmann",
	"Frau Hübner", "Herr Schütte", "Frau Lindner", "Herr Brandt", "Frau Nowak", "Herr Thießen",
	"Frau Dörr", "Herr Kühne", "Frau Ebert", "Herr Mößner", "Frau Runge", "Herr Voß",
	"Frau Schilling", "Herr Yılmaz", "Frau Brückner", "Herr Lührs", "Frau Seifert", "Herr Wendt",
}

// nationalities and their shares among citizens (per mille).
var nationalities = []string{"deutsch", "türkisch", "polnisch", "syrisch", "rumänisch", "italienisch",
	"ukrainisch", "griechisch", "kroatisch", "afghanisch"}
var nationalityWeights = []int{880, 25, 18, 15, 14, 12, 12, 8, 8, 8}

var maritalStatus = []string{"ledig", "verheiratet", "geschieden", "verwitwet",
	"in eingetragener Lebenspartnerschaft"}
var maritalWeights = []int{38, 44, 9, 8, 1}

var months = [...]string{"Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August",
	"September", "Oktober", "November", "Dezember"}

// offices of the municipality: name, address, the office code in case numbers (KGSt scheme).
type office struct {
	name, addr, code string
}

var (
	buergeramt  = office{"Bürgeramt", "Am Markt 1", "33"}
	ordnungsamt = office{"Ordnungsamt", "Am Markt 7", "32"}
	standesamt  = office{"Standesamt", "Rathausstraße 3", "34"}
	steueramt   = office{"Steueramt", "Schlossplatz 5", "22"}
	stadtkasse  = office{"Stadtkasse", "Schlossplatz 5", "21"}
	abfall      = office{"Abfallwirtschaft und Stadtreinigung", "Bauhofweg 12", "70"}
)

// laws: citations in notes, most frequent first.
var laws = []string{
	"§ 17 Abs. 1 BMG", "§ 19 BMG", "§ 18 BMG", "§ 6 PassG", "§ 9 PAuswG", "§ 62 PStG",
	"§ 155 AO", "§ 240 AO", "§ 28 VwVfG", "§ 35 VwVfG", "§ 41 VwVfG", "§ 70 VwGO", "§ 16 GewStG",
	"§ 25 GrStG", "Art. 6 Abs. 1 DSGVO", "§ 1355 BGB", "der Abfallgebührensatzung",
	"der Hundesteuersatzung", "der Verwaltungskostensatzung", "§ 5 PassG", "§ 6 PAuswG",
	"§ 33 BMG", "§ 51 BMG", "§ 21 PStG", "§ 27 PStG", "§ 122 AO", "§ 222 AO", "§ 80 VwGO",
	"§ 54 BMG", "§ 32 PAuswG", "§ 1626a BGB", "§ 47 PStG", "§ 139b AO", "§ 3a VwVfG",
}

// nouns: noun phrases in the nominative with their article, most frequent first, for notes.
// The tail holds the rare words of the corpus.
var nouns = []string{
	"der Antrag", "die Gebühr", "der Bescheid", "die Meldebescheinigung", "das Formular",
	"die Unterschrift", "der Nachweis", "die Vollmacht", "die Frist", "die Wohnungsgeberbestätigung",
	"der Mietvertrag", "das Lichtbild", "die Geburtsurkunde", "die Heiratsurkunde", "der Personalausweis",
	"der Reisepass", "die Zahlung", "die Anschrift", "die Stellungnahme", "der Widerspruch",
	"die Begründung", "der Termin", "die Sterbeurkunde", "die Aufenthaltserlaubnis",
	"die Steuer-Identifikationsnummer", "die Steuernummer", "das Grundstück", "der Einheitswert",
	"der Grundsteuermessbetrag", "der Hebesatz", "der Gewerbeertrag", "die Vorauszahlung",
	"die Nachzahlung", "die Erstattung", "der Säumniszuschlag", "die Mahngebühr",
	"die Zahlungserinnerung", "die Ratenzahlung", "die Stundung", "die Bankverbindung",
	"das SEPA-Lastschriftmandat", "das Kassenzeichen", "das Aktenzeichen", "die Anhörung",
	"die Rechtsbehelfsbelehrung", "die Zustellung", "die Eingangsbestätigung", "die Vorsprache",
	"die Auskunftssperre", "die Übermittlungssperre", "die Melderegisterauskunft", "die Hauptwohnung",
	"die Nebenwohnung", "der Zuzug", "der Wegzug", "der Einzug", "die Postanschrift", "die Hausnummer",
	"die Postleitzahl", "der Ortsteil", "die Niederlassungserlaubnis", "die Einbürgerungsurkunde",
	"der Kinderreisepass", "der vorläufige Personalausweis", "die Online-Ausweisfunktion",
	"der PIN-Brief", "die Fingerabdrucknahme", "die Verlustanzeige", "die Sperrung",
	"die Abholung", "die Bevollmächtigung", "die Beglaubigung", "die Apostille",
	"die Namenserklärung", "die Vaterschaftsanerkennung", "die Sorgeerklärung", "die Eheschließung",
	"die Lebenspartnerschaft", "die Scheidung", "der Kirchenaustritt", "die Ehefähigkeitsbescheinigung",
	"das Familienbuch", "das Geburtenregister", "das Eheregister", "das Sterberegister",
	"der Registereintrag", "die Folgebeurkundung", "der Randvermerk", "die Berichtigung",
	"die Namensänderung", "die Adoption", "die Einbürgerung", "die Staatsangehörigkeit",
	"der Doppelname", "der Geburtsname", "der Familienname", "der Vorname", "der Familienstand",
	"die Religionszugehörigkeit", "der gesetzliche Vertreter", "die Betreuerin", "der Betreuer",
	"das Betreuungsgericht", "das Jugendamt", "die Schulanmeldung", "die Zweitwohnungsteuer",
	"die Hundesteuer", "die Vergnügungsteuer", "die Hundesteuermarke", "die Straßenreinigungsgebühr",
	"die Abfallgebühr", "die Biotonne", "die Restmülltonne", "der Sperrmüll", "die Müllabfuhr",
	"der Müll", "das Müllgefäß", "die Schmutzwassergebühr", "die Niederschlagswassergebühr",
	"der Anliegerbeitrag", "der Erschließungsbeitrag", "die Sondernutzungserlaubnis",
	"die Gaststättenerlaubnis", "die Gewerbeanmeldung", "die Gewerbeabmeldung", "die Reisegewerbekarte",
	"das Führungszeugnis", "der Fischereischein", "der Anwohnerparkausweis", "die Parkerleichterung",
	"die Lebensbescheinigung", "die Baumfällgenehmigung", "der Heckenschnitt", "der Winterdienst",
	"die Streupflicht", "die Gehwegreinigung", "die Verwarnung", "das Verwarnungsgeld", "das Bußgeld",
	"die Ordnungswidrigkeit", "der Bußgeldbescheid", "die Zwangsvollstreckung", "die Pfändungsverfügung",
	"der Vollziehungsbeamte", "die Vermögensauskunft", "die Niederschlagung", "der Rückstand",
	"der Kontoauszug", "der Zahlungseingang", "die Überzahlung", "die Verrechnung", "das Guthaben",
	"der Fälligkeitstermin", "das Kalenderjahr", "das Veranlagungsjahr", "der Erhebungszeitraum",
	"der Stichtag", "das Wirtschaftsjahr", "der Grundsteuerwert", "der Bodenrichtwert", "die Wohnfläche",
	"die Nutzfläche", "das Flurstück", "die Gemarkung", "das Grundbuchblatt", "die Eigentümerin",
	"der Eigentümer", "die Erbengemeinschaft", "der Nachlass", "der Erbschein", "das Nachlassgericht",
	"die Testamentseröffnung", "die Akteneinsicht", "die Dienstaufsichtsbeschwerde", "die Petition",
	"der Bürgerantrag", "die Ratsvorlage", "der Ausschuss", "die Ortschaft", "der Ortsrat",
	"die Wahlbenachrichtigung", "der Wahlschein", "die Briefwahl", "das Wählerverzeichnis",
	"der Wahlhelfer", "die Schöffenwahl", "das Schöffenamt", "die Feuerwehr", "der Rettungsdienst",
	"die Kita-Gebühr", "der Elternbeitrag", "die Ganztagsbetreuung", "die Schülerbeförderung",
	"die Fahrkarte", "der Schulweg", "die Bibliothek", "der Leseausweis", "die Musikschule",
	"das Hallenbad", "die Saisonkarte", "der Friedhof", "die Grabstätte", "das Nutzungsrecht",
	"die Grabpflege", "die Urnenbeisetzung", "die Friedhofsgebühr", "die Obdachlosenunterkunft",
	"die Wohnberechtigung", "der Wohnberechtigungsschein", "das Wohngeld", "der Mietzuschuss",
	"die Heizkostenabrechnung", "die Nebenkostenabrechnung", "der Kaminkehrer", "die Feuerstättenschau",
	"die Schafhaltung", "das Schaf", "der Schäferkarren", "die Weidefläche", "der Weidezaun",
	"die Bienenhaltung", "der Kleingarten", "die Gartenlaube", "das Osterfeuer", "die Sonnwendfeier",
	"das Straßenfest", "der Weihnachtsmarkt", "die Marktgebühr", "der Marktstand", "die Schankerlaubnis",
	"die Sperrzeitverkürzung", "die Lärmbeschwerde", "die Ruhestörung", "der Laubbläser",
	"die Ölspur", "der Wasserrohrbruch", "das Hochwasser", "der Deichverband", "die Sturmflut",
	"der Starkregen", "die Kanalisation", "der Rückstauverschluss", "der Hausanschluss",
	"die Zisterne", "das Regenrückhaltebecken", "die Grünpflege", "die Spielplatzkontrolle",
	"der Bolzplatz", "die Skateranlage", "das Jugendzentrum", "der Seniorenbeirat",
	"der Integrationsbeirat", "die Sprachmittlung", "der Dolmetscher", "die Übersetzung",
	"die Gebührenbefreiung", "die Härtefallregelung", "die Billigkeitsmaßnahme", "der Erlassantrag",
	"die Aussetzung der Vollziehung", "die Wiedereinsetzung", "die Fristverlängerung",
	"der Dienstsiegelabdruck", "die Zweitschrift", "die Ausfertigung", "die Abschrift",
	"der Registerauszug", "die Personenstandsurkunde", "die Ledigkeitsbescheinigung",
	"die Meldebestätigung", "die Aufenthaltsbescheinigung", "die Haushaltsbescheinigung",
	"die Lebensgemeinschaft", "die Bedarfsgemeinschaft", "das Jobcenter", "die Familienkasse",
	"die Rentenversicherung", "die Krankenkasse", "der Beitragsservice", "die Rundfunkanstalt",
	"die Kfz-Zulassung", "das Kennzeichen", "die Umweltplakette", "der Fahrzeugschein",
	"die Fahrerlaubnis", "der Führerschein", "die Punkteauskunft", "das Fahrtenbuch",
}

// participles: for notes ("Die Vollmacht wurde am … nachgereicht."), most frequent first.
var participles = []string{
	"geprüft", "eingereicht", "nachgereicht", "bearbeitet", "erfasst", "übermittelt", "zugestellt",
	"vorgelegt", "ausgehändigt", "angefordert", "beanstandet", "abgelehnt", "bewilligt",
	"weitergeleitet", "zurückgesandt", "übersandt", "beglaubigt", "gescannt", "archiviert",
	"berichtigt", "storniert", "abgeglichen", "verrechnet", "gesperrt", "entsperrt", "entwertet",
	"zurückgestellt", "wiedervorgelegt", "nachgeprüft", "mitgezeichnet", "gegengezeichnet",
	"quittiert", "hinterlegt", "ersetzt", "eingezogen",
}

// adjectives: predicative, uninflected, most frequent first.
var adjectives = []string{
	"vollständig", "unvollständig", "erforderlich", "gültig", "abgelaufen", "fristgerecht",
	"verspätet", "nicht lesbar", "unleserlich", "beglaubigt", "unbeglaubigt", "zutreffend",
	"unzutreffend", "widersprüchlich", "plausibel", "nachvollziehbar", "entbehrlich", "strittig",
	"ungeklärt", "erledigt", "gegenstandslos", "vorläufig", "rechtskräftig", "bestandskräftig",
	"vollziehbar", "beanstandungsfrei", "lückenhaft", "überholt",
}

// fillerPatterns: sentences of notes. Slots as in templates; {NP} is a noun phrase from
// nouns, capitalised, {np} the same in lower case.
var fillerPatterns = []string{
	"{NP} wurde am {date} {part}.",
	"{NP} ist {adj}.",
	"{NP} liegt der Akte {bei|in Kopie bei|im Original bei|noch nicht bei}.",
	"Nach Rücksprache ({clerk}) wird {np} {part}.",
	"Ob {np} erforderlich ist, richtet sich nach {law}.",
	"{NP} ist nach {law} {adj}.",
	"Es wurde darauf hingewiesen, dass {np} bis zum {later} {part} werden muss.",
	"Telefonische Nachfrage am {date}: {np} {ist noch nicht eingegangen|wird nachgereicht|liegt inzwischen vor|ist unterwegs}.",
	"Laut Mitteilung vom {earlier} ist {np} {adj}.",
	"Auch {np} wurde {part}.",
	"Zusätzlich ist {np} {adj}.",
	"Im Übrigen bleibt {np} unberührt.",
	"{NP} fehlt noch.",
	"Für die weitere Bearbeitung ist {np} maßgeblich.",
	"{NP} wurde {per E-Mail|per Post|per Fax|persönlich|über das Portal} {part}.",
	"Wiedervorlage am {later}, Gegenstand: {np}.",
}
