package searchcorpus

// Document kinds: what a municipality files about its citizens. Slots: see slotNames.

// style is the shape of a document.
type style uint8

const (
	form   style = iota // an application or register entry: header, fields, notes
	letter              // from the municipality to the citizen
	reply               // from the citizen to the municipality
)

// Sources, in the order of kind.sources, channels and signatures.
var sources = [...]string{"portal", "counter", "scan", "import", "api"}

type kind struct {
	name    string
	class   string
	weight  int    // per mille of all documents
	sources [5]int // relative weights of portal, counter, scan, import, api
	office  office
	style   style
	remedy  bool     // a Bescheid: ends with the Rechtsbehelfsbelehrung
	key     string   // a word every document of the kind contains (German matching), for queries
	titles  []string // one is drawn
	intro   []string // one is drawn; it follows the header
	body    []string // drawn without repetition until the text is long enough
}

var kinds = []kind{
	{
		name: "Anmeldung", key: "Anmeldung", class: "registration", weight: 170, sources: [5]int{45, 40, 5, 5, 5},
		office: buergeramt, style: form,
		titles: []string{"Anmeldung bei der Meldebehörde", "Anmeldung einer Wohnung – {full}",
			"Anmeldung {street}, {city}", "Meldeschein Anmeldung {family}"},
		intro: []string{
			"{personblock}Anmeldung nach § 17 Abs. 1 BMG\nEinzugsdatum: {earlier}\nNeue Wohnung: {street}, {plz} {city}\nArt der Wohnung: {Hauptwohnung|Nebenwohnung|alleinige Wohnung}\nBisherige Wohnung: {ostreet}, {oplz} {ocity}\nDie bisherige Wohnung wird {beibehalten|aufgegeben|als Nebenwohnung beibehalten}.\nWohnungsgeberbestätigung nach § 19 BMG: {liegt vor|wurde nachgereicht|liegt in Kopie vor|fehlt}\nZahl der mitziehenden Personen: {count}\n\n",
		},
		body: []string{
			"Die Anmeldung ist innerhalb von zwei Wochen nach dem Einzug bei der Meldebehörde vorzunehmen (§ 17 Abs. 1 BMG). Wer sich nicht, nicht richtig oder nicht rechtzeitig anmeldet, handelt ordnungswidrig; die Ordnungswidrigkeit kann nach § 54 BMG mit einer Geldbuße geahndet werden.",
			"Der Wohnungsgeber ist verpflichtet, bei der An- oder Abmeldung mitzuwirken und den Einzug innerhalb von zwei Wochen schriftlich oder elektronisch zu bestätigen (§ 19 Abs. 1 BMG). Die Bestätigung enthält den Namen und die Anschrift des Wohnungsgebers, die Art des meldepflichtigen Vorgangs mit Einzugsdatum, die Anschrift der Wohnung sowie die Namen der meldepflichtigen Personen.",
			"Eine Meldebescheinigung nach § 18 BMG wurde {ausgedruckt und ausgehändigt|auf Wunsch elektronisch übermittelt|nicht beantragt|gegen eine Gebühr von 10,00 € erteilt}.",
			"Die Anschrift im Personalausweis wurde durch einen Aufkleber aktualisiert; die Anschrift im Chip des Ausweises wurde geändert. Eine Änderung im Reisepass ist nicht erforderlich, da der Reisepass keine Anschrift enthält.",
			"Die Daten wurden nach § 33 BMG an die bisher zuständige Meldebehörde in {ocity} übermittelt (Rückmeldung). Das Bundeszentralamt für Steuern erhält die Änderung zur Zuordnung der Steuer-Identifikationsnummer (§ 139b AO).",
			"Auf Antrag wurde eine Übermittlungssperre nach § 42 Abs. 3 BMG gegenüber öffentlich-rechtlichen Religionsgesellschaften und nach § 36 Abs. 2 BMG gegenüber dem Bundesamt für das Personalmanagement der Bundeswehr eingetragen.",
			"Nach § 50 BMG dürfen Parteien, Wählergruppen und andere Träger von Wahlvorschlägen im Zusammenhang mit Wahlen Auskunft aus dem Melderegister erhalten. Sie haben das Recht, dieser Übermittlung zu widersprechen; der Widerspruch gilt bis zu seinem Widerruf.",
			"Mitziehende Familienangehörige: {spouse}, {child} {family}. Die Anmeldung gilt auch für die weiteren Personen des Haushalts, soweit sie am Tag des Einzugs in die Wohnung eingezogen sind.",
			"Wohnungsgeber ist {oname}, {ostreet}, {oplz} {ocity}. Die Wohnung wurde laut Bestätigung des Wohnungsgebers am {earlier} bezogen; ein Mietvertrag wurde nicht vorgelegt, da er für die Anmeldung nicht erforderlich ist.",
			"Für die Anmeldung werden keine Gebühren erhoben. Die Meldebehörde weist darauf hin, dass die Anschrift auch an den Beitragsservice von ARD, ZDF und Deutschlandradio übermittelt wird.",
			"Die Anmeldung einer Nebenwohnung in {home} kann die Zweitwohnungsteuer auslösen. Die Steuer beträgt nach der Zweitwohnungsteuersatzung zehn vom Hundert der jährlichen Nettokaltmiete; ein Erklärungsvordruck wird Ihnen gesondert übersandt.",
		},
	},
	{
		name: "Abmeldung", key: "Abmeldung", class: "deregistration", weight: 55, sources: [5]int{50, 30, 10, 5, 5},
		office: buergeramt, style: form,
		titles: []string{"Abmeldung bei der Meldebehörde", "Abmeldung ins Ausland – {full}",
			"Abmeldung der Nebenwohnung {street}", "Abmeldebestätigung {family}"},
		intro: []string{
			"{personblock}Abmeldung nach § 17 Abs. 2 BMG\nAuszugsdatum: {date}\nBisherige Wohnung: {street}, {plz} {city}\nKünftige Anschrift: {ostreet}, {abroad}\nGrund der Abmeldung: {Wegzug ins Ausland|Aufgabe der Nebenwohnung|Auswanderung|Umzug in eine Pflegeeinrichtung im Ausland}\n\n",
		},
		body: []string{
			"Eine Abmeldung ist nur erforderlich, wenn Sie ins Ausland ziehen oder eine Nebenwohnung aufgeben (§ 17 Abs. 2 BMG). Bei einem Umzug innerhalb Deutschlands genügt die Anmeldung bei der neuen Meldebehörde; die Abmeldung erfolgt dann von Amts wegen.",
			"Die Abmeldung kann frühestens eine Woche vor dem Auszug erfolgen und ist spätestens zwei Wochen nach dem Auszug vorzunehmen.",
			"Sie erhalten eine Abmeldebestätigung, die Sie gegenüber Behörden, Banken, Versicherungen und Ihrem Arbeitgeber vorlegen können. Bewahren Sie die Bestätigung sorgfältig auf.",
			"Mit der Abmeldung ins Ausland bleibt Ihr Personalausweis gültig; die Anschrift wird nicht geändert. Für Pass- und Ausweisangelegenheiten ist künftig die zuständige deutsche Auslandsvertretung zuständig.",
			"Die Rundfunkbeitragspflicht endet nicht automatisch mit der Abmeldung. Bitte melden Sie Ihre Wohnung selbst beim Beitragsservice ab.",
			"Mit der Abmeldung der Nebenwohnung endet die Zweitwohnungsteuerpflicht mit Ablauf des Monats, in dem die Wohnung aufgegeben wurde. Ein Änderungsbescheid geht Ihnen gesondert zu.",
			"Die Abmeldung wurde auch für die mitziehenden Familienangehörigen vorgenommen: {spouse}. Eine Vollmacht der volljährigen Familienangehörigen lag vor.",
			"Die Meldebehörde hat die Abmeldung nach § 33 BMG an die Familienkasse und an das Bundeszentralamt für Steuern übermittelt.",
		},
	},
	{
		name: "Reisepass", key: "Reisepass", class: "passport-application", weight: 95, sources: [5]int{5, 80, 3, 12, 0},
		office: buergeramt, style: form,
		titles: []string{"Antrag auf Ausstellung eines Reisepasses", "Reisepassantrag {full}",
			"Antrag Reisepass – Express", "Passantrag {family}"},
		intro: []string{
			"{personblock}Antrag auf Ausstellung eines Reisepasses nach § 6 PassG\nArt des Passes: {Reisepass (32 Seiten)|Reisepass (48 Seiten)|Express-Reisepass|vorläufiger Reisepass|Kinderreisepass}\nBisheriges Dokument: Reisepass Nr. {passno}, gültig bis {later}\nKörpergröße: {height} cm\nAugenfarbe: {blau|braun|grün|grau|graublau|grünbraun}\nLichtbild: {biometrisch, geprüft|vom Fotostudio elektronisch übermittelt|im Bürgeramt aufgenommen}\nFingerabdrücke: {erfasst, linker und rechter Zeigefinger|erfasst, Daumen|nicht erfasst (Kind unter sechs Jahren)}\nGebühr: {passfee}\n\n",
		},
		body: []string{
			"Der Reisepass wird mit einer Gültigkeitsdauer von zehn Jahren ausgestellt; bei Personen unter 24 Jahren beträgt die Gültigkeitsdauer sechs Jahre (§ 5 Abs. 1 PassG).",
			"Die Gebühr für einen Reisepass beträgt nach § 15 PassV 70,00 € für Antragsteller ab 24 Jahren und 37,50 € für Antragsteller unter 24 Jahren. Für die Ausstellung im Expressverfahren wird ein Zuschlag von 32,00 € erhoben.",
			"Der Reisepass wird von der Bundesdruckerei hergestellt. Die Herstellung dauert in der Regel drei bis vier Wochen. Sie werden benachrichtigt, sobald der Pass zur Abholung bereitliegt.",
			"Bei der Abholung ist der bisherige Reisepass vorzulegen; er wird entwertet und auf Wunsch wieder ausgehändigt. Die Abholung durch eine bevollmächtigte Person ist mit schriftlicher Vollmacht und Ausweis der bevollmächtigten Person möglich.",
			"Die Fingerabdrücke werden nach § 4 Abs. 3 PassG im Chip des Passes gespeichert und nach Aushändigung des Passes bei der Passbehörde gelöscht (§ 16 Abs. 2 PassG).",
			"Das Lichtbild muss den Anforderungen der Passverordnung entsprechen: Frontalaufnahme, neutraler Gesichtsausdruck, geschlossener Mund, Augen geöffnet und deutlich sichtbar.",
			"Der Kinderreisepass wird seit dem 1. Januar 2024 nicht mehr ausgestellt. Kinder erhalten einen elektronischen Reisepass oder einen Personalausweis.",
			"Passversagungsgründe nach § 7 PassG liegen nach Prüfung nicht vor. Eine Anfrage an das Bundeszentralregister war nicht erforderlich.",
			"Hinweis zur Einreise: Einige Staaten verlangen, dass der Reisepass bei der Einreise noch mindestens sechs Monate gültig ist. Bitte informieren Sie sich rechtzeitig bei der zuständigen Auslandsvertretung.",
			"Der bisherige Reisepass Nr. {passno} wurde als verloren gemeldet und im Fahndungsbestand gesperrt. Die Verlustanzeige vom {earlier} liegt vor.",
		},
	},
	{
		name: "Personalausweis", key: "Personalausweis", class: "id-card-application", weight: 140, sources: [5]int{5, 80, 3, 12, 0},
		office: buergeramt, style: form,
		titles: []string{"Antrag auf Ausstellung eines Personalausweises", "Personalausweisantrag {full}",
			"Antrag Personalausweis {family}", "Antrag vorläufiger Personalausweis"},
		intro: []string{
			"{personblock}Antrag auf Ausstellung eines Personalausweises nach § 9 PAuswG\nBisheriger Ausweis: Nr. {idno}, gültig bis {later}\nOnline-Ausweisfunktion: {eingeschaltet|ausgeschaltet|auf Wunsch eingeschaltet}\nPIN-Brief: {wird an die Meldeanschrift versandt|wurde angefordert}\nKörpergröße: {height} cm\nAugenfarbe: {blau|braun|grün|grau|graublau|grünbraun}\nGebühr: {idfee}\n\n",
		},
		body: []string{
			"Ausweispflichtig sind alle Deutschen ab 16 Jahren, die in Deutschland gemeldet sind und keinen gültigen Reisepass besitzen (§ 1 Abs. 1 PAuswG). Ein Verstoß gegen die Ausweispflicht ist eine Ordnungswidrigkeit nach § 32 PAuswG.",
			"Der Personalausweis ist zehn Jahre gültig; bei Personen unter 24 Jahren beträgt die Gültigkeitsdauer sechs Jahre (§ 6 Abs. 1 PAuswG).",
			"Die Gebühr beträgt nach § 1 PAuswGebV 37,00 € für Antragsteller ab 24 Jahren und 22,80 € für Antragsteller unter 24 Jahren. Eine Gebührenbefreiung ist bei Bedürftigkeit möglich.",
			"Seit dem 2. August 2021 werden die Abdrücke beider Zeigefinger verpflichtend im Chip des Personalausweises gespeichert (§ 5 Abs. 9 PAuswG).",
			"Die Online-Ausweisfunktion ermöglicht den elektronischen Identitätsnachweis gegenüber Behörden und Unternehmen. Bei Verlust sperren Sie den Ausweis über den Sperrnotruf 116 116.",
			"Der Verlust des bisherigen Ausweises wurde am {earlier} angezeigt; der Ausweis wurde im Sperrregister eingetragen.",
			"Bis zur Aushändigung des neuen Ausweises kann ein vorläufiger Personalausweis ausgestellt werden. Die Gebühr hierfür beträgt 10,00 €.",
			"Der PIN-Brief wird Ihnen von der Bundesdruckerei gesondert zugesandt. Bewahren Sie PIN und PUK getrennt vom Ausweis auf.",
			"Der neue Personalausweis liegt voraussichtlich ab dem {later} zur Abholung bereit. Bitte bringen Sie den bisherigen Ausweis mit; er wird bei der Aushändigung ungültig gemacht.",
		},
	},
	{
		name: "Geburtsurkunde", key: "Geburtsurkunde", class: "birth-certificate-request", weight: 75, sources: [5]int{55, 20, 15, 5, 5},
		office: standesamt, style: form,
		titles: []string{"Antrag auf Erteilung einer Geburtsurkunde", "Geburtsurkunde {full}",
			"Antrag Personenstandsurkunde (Geburt)", "Anforderung Geburtsurkunde {family}"},
		intro: []string{
			"{personblock}Antrag auf Erteilung einer Geburtsurkunde oder einer anderen Personenstandsurkunde nach § 62 PStG\nArt der Urkunde: {Geburtsurkunde|beglaubigter Registerausdruck aus dem Geburtenregister|internationale Geburtsurkunde|mehrsprachige Geburtsurkunde}\nZahl der Ausfertigungen: {count}\nRegisternummer: G {regno}/{birthyear}\nVerwendungszweck: {Rentenangelegenheit|Eheschließung|Einbürgerung|Familienkasse|Erbangelegenheit|Vorlage beim Arbeitgeber|Familienforschung|Schulanmeldung}\nGebühr: 12,00 € je Urkunde\n\n",
		},
		body: []string{
			"Personenstandsurkunden werden nur der Person erteilt, auf die sich der Registereintrag bezieht, sowie deren Ehegatten, Lebenspartnern, Vorfahren und Abkömmlingen (§ 62 Abs. 1 PStG). Andere Personen haben ein Recht auf Erteilung, wenn sie ein rechtliches Interesse glaubhaft machen.",
			"Die Gebühr für eine Geburtsurkunde beträgt 12,00 €, jede weitere Ausfertigung desselben Eintrags 6,00 €. Die Gebühren sind vor dem Versand der Urkunde zu entrichten.",
			"Die Geburt wurde im Geburtenregister des Standesamts {birthplace} beurkundet. Soweit die Geburt nicht in {home} beurkundet wurde, wird der Antrag an das Standesamt des Geburtsortes weitergeleitet.",
			"Für Geburten vor dem 1. Januar 2009 wird das Geburtenregister als Geburtenbuch fortgeführt (§ 76 PStG). Einträge, deren Fortführungsfrist abgelaufen ist, werden an das Stadtarchiv abgegeben.",
			"Die Urkunde wird Ihnen {per Post an die angegebene Anschrift zugesandt|zur Abholung im Standesamt bereitgelegt|in einem verschlossenen Umschlag ausgehändigt}.",
			"Bitte legen Sie bei der Abholung einen gültigen Personalausweis oder Reisepass vor. Bei Beantragung durch Dritte ist eine schriftliche Vollmacht beizufügen.",
			"Internationale Urkunden nach dem Übereinkommen der CIEC werden ohne Legalisation oder Apostille in den Vertragsstaaten anerkannt.",
		},
	},
	{
		name: "Gewerbesteuerbescheid", key: "Gewerbesteuer", class: "tax", weight: 30, sources: [5]int{0, 0, 10, 30, 60},
		office: steueramt, style: letter, remedy: true,
		titles: []string{"Gewerbesteuerbescheid {prevyear}", "Bescheid über Gewerbesteuer und Vorauszahlungen {year}",
			"Gewerbesteuer {prevyear} – Kassenzeichen {kz}"},
		intro: []string{
			"Bescheid über Gewerbesteuer für das Jahr {prevyear} und Vorauszahlungen ab {year}\nKassenzeichen: {kz}\nBetrieb: {business}, {ostreet}, {homeplz} {home}\n\n{salutation},\n\nauf der Grundlage des vom Finanzamt {home} mitgeteilten Gewerbesteuermessbetrags von {messbetrag} wird die Gewerbesteuer für den Erhebungszeitraum {prevyear} bei einem Hebesatz von {hebesatz} % nach § 16 GewStG auf {steuer} festgesetzt.\n\n",
		},
		body: []string{
			"Die festgesetzte Steuer ist innerhalb eines Monats nach Bekanntgabe dieses Bescheides fällig. Bereits geleistete Vorauszahlungen in Höhe von {amount} werden angerechnet.",
			"Die Vorauszahlungen sind jeweils am 15. Februar, 15. Mai, 15. August und 15. November zu entrichten (§ 19 GewStG).",
			"Dieser Bescheid ist Folgebescheid des Gewerbesteuermessbescheides. Einwendungen gegen die Höhe des Messbetrags sind nicht mit einem Widerspruch gegen diesen Bescheid, sondern mit einem Einspruch gegenüber dem Finanzamt geltend zu machen.",
			"Wird die Steuer nicht bis zum Ablauf des Fälligkeitstages entrichtet, ist für jeden angefangenen Monat der Säumnis ein Säumniszuschlag von eins vom Hundert des abgerundeten rückständigen Steuerbetrags zu entrichten (§ 240 AO).",
			"Der Bescheid wird nach § 155 AO durch schriftlichen Verwaltungsakt festgesetzt und gilt am dritten Tag nach Aufgabe zur Post als bekannt gegeben (§ 122 Abs. 2 AO).",
			"Sofern Sie am SEPA-Lastschriftverfahren teilnehmen, wird der fällige Betrag von Ihrem Konto {iban} abgebucht. Andernfalls überweisen Sie den Betrag bitte unter Angabe des Kassenzeichens auf eines der Konten der Stadtkasse.",
			"Zinsen nach § 233a AO werden für die Gewerbesteuer gesondert festgesetzt; der Zinslauf beginnt 15 Monate nach Ablauf des Kalenderjahres, in dem die Steuer entstanden ist.",
			"Ein Widerspruch hat keine aufschiebende Wirkung (§ 80 Abs. 2 Nr. 1 VwGO). Die festgesetzten Beträge sind daher auch bei Einlegung eines Widerspruchs zu den Fälligkeitsterminen zu zahlen.",
		},
	},
	{
		name: "Grundsteuerbescheid", key: "Grundsteuer", class: "tax", weight: 75, sources: [5]int{0, 0, 10, 40, 50},
		office: steueramt, style: letter, remedy: true,
		titles: []string{"Grundsteuerbescheid {year}", "Grundsteuer B {year} – {street}",
			"Bescheid über Grundbesitzabgaben {year}"},
		intro: []string{
			"Grundsteuerbescheid für das Kalenderjahr {year}\nKassenzeichen: {kz}\nGrundbesitz: {street}, {plz} {city}, Flurstück {flur}, Gemarkung {home}\n\n{salutation},\n\nauf Grund des vom Finanzamt festgesetzten Grundsteuermessbetrags von {messbetrag} wird die Grundsteuer B für den oben genannten Grundbesitz bei einem Hebesatz von {hebesatz} % auf jährlich {steuer} festgesetzt (§ 25 GrStG).\n\n",
		},
		body: []string{
			"Die Grundsteuer wird zu je einem Viertel ihres Jahresbetrages am 15. Februar, 15. Mai, 15. August und 15. November fällig (§ 28 Abs. 1 GrStG). Auf Antrag kann die Grundsteuer am 1. Juli in einem Jahresbetrag entrichtet werden.",
			"Mit der Grundsteuerreform wird die Grundsteuer ab dem Kalenderjahr 2025 auf der Grundlage der neuen Grundsteuerwerte erhoben. Der bisherige Einheitswert verliert damit seine Bedeutung.",
			"Dieser Bescheid gilt auch für die folgenden Kalenderjahre, bis ein neuer Bescheid erteilt wird (§ 27 Abs. 1 GrStG). Eine Änderung ergibt sich insbesondere bei einer Änderung des Hebesatzes oder des Messbetrags.",
			"Steuerschuldner ist, wem der Steuergegenstand bei der Feststellung des Grundsteuerwerts zugerechnet ist (§ 10 GrStG). Miteigentümer sind Gesamtschuldner.",
			"Einwendungen gegen den Grundsteuermessbetrag und den Grundsteuerwert sind nicht im Widerspruchsverfahren gegen diesen Bescheid, sondern durch Einspruch beim Finanzamt geltend zu machen.",
			"Zusammen mit der Grundsteuer werden die Straßenreinigungsgebühren in Höhe von {small} und die Niederschlagswassergebühr in Höhe von {small} für das Grundstück erhoben.",
			"Wird die Steuer nicht rechtzeitig entrichtet, ist für jeden angefangenen Monat der Säumnis ein Säumniszuschlag zu entrichten (§ 240 AO). Rückständige Beträge werden im Verwaltungsvollstreckungsverfahren beigetrieben.",
		},
	},
	{
		name: "Müllgebührenbescheid", key: "Müllgebühren", class: "tax", weight: 50, sources: [5]int{0, 0, 5, 45, 50},
		office: abfall, style: letter, remedy: true,
		titles: []string{"Bescheid über Abfallgebühren (Müllgebühren) {year}", "Müllgebühren {year} – {street}",
			"Abfallgebührenbescheid {year}"},
		intro: []string{
			"Bescheid über Abfallgebühren für das Jahr {year}\nKassenzeichen: {kz}\nGrundstück: {street}, {plz} {city}\n\n{salutation},\n\nauf Grund der Abfallgebührensatzung der Stadt {home} werden für das oben genannte Grundstück die Müllgebühren für das Jahr {year} wie folgt festgesetzt:\nRestmülltonne {60|80|120|240} Liter, {14-tägliche|4-wöchentliche} Leerung: {amount}\nBiotonne 120 Liter: {small}\nPapiertonne 240 Liter: gebührenfrei\nGesamtbetrag: {amount}\n\n",
		},
		body: []string{
			"Die Müllabfuhr erfolgt in Ihrem Bezirk {montags|dienstags|mittwochs|donnerstags|freitags}. Bitte stellen Sie die Müllgefäße am Abfuhrtag bis 6:00 Uhr am Fahrbahnrand bereit.",
			"Sperrmüll wird zweimal im Jahr auf Anmeldung kostenfrei abgeholt. Elektrogeräte, Sonderabfälle und Bauschutt gehören nicht zum Sperrmüll.",
			"Falsch befüllte Tonnen werden nicht geleert. Müll, der neben der Tonne abgestellt wird, wird nur in den gekennzeichneten Restmüllsäcken mitgenommen.",
			"Die Gebühr bemisst sich nach dem Volumen der Restmülltonne und dem Leerungsrhythmus. Änderungen der Behältergröße sind bis zum 1. Dezember für das folgende Jahr zu beantragen.",
			"Gebührenpflichtig ist der Eigentümer des angeschlossenen Grundstücks. Die Müllgebühren können als Betriebskosten auf die Mieter umgelegt werden (§ 2 Nr. 8 BetrKV).",
			"Die Müllgebühren werden zu je einem Viertel am 15. Februar, 15. Mai, 15. August und 15. November fällig, zusammen mit der Grundsteuer.",
		},
	},
	{
		name: "Hundesteuerbescheid", key: "Hundesteuer", class: "tax", weight: 15, sources: [5]int{30, 30, 20, 20, 0},
		office: steueramt, style: letter, remedy: true,
		titles: []string{"Hundesteuerbescheid {year}", "Anmeldung eines Hundes – Hundesteuer"},
		intro: []string{
			"Hundesteuerbescheid\nKassenzeichen: {kz}\n\n{salutation},\n\nfür den Hund „{dog}“, angemeldet am {earlier}, wird die Hundesteuer nach der Hundesteuersatzung der Stadt {home} ab dem {date} auf jährlich {small} festgesetzt. Ihre Hundesteuermarke hat die Nummer {regno}.\n\n",
		},
		body: []string{
			"Die Hundesteuermarke ist außerhalb der Wohnung sichtbar am Halsband zu tragen. Eine verlorene Marke wird gegen eine Gebühr von 5,00 € ersetzt.",
			"Für gefährliche Hunde im Sinne der Hundesteuersatzung gilt ein erhöhter Steuersatz. Die Einstufung richtet sich nach dem Landesrecht.",
			"Die Abschaffung, der Tod oder die Abgabe des Hundes ist innerhalb von zwei Wochen schriftlich anzuzeigen; die Steuerpflicht endet mit Ablauf des Monats.",
			"Für Blindenführhunde und Hunde aus dem Tierheim kann auf Antrag eine Steuerbefreiung oder Steuerermäßigung gewährt werden.",
		},
	},
	{
		name: "Anhörung", key: "Anhörung", class: "correspondence", weight: 40, sources: [5]int{0, 10, 40, 20, 30},
		office: ordnungsamt, style: letter,
		titles: []string{"Anhörung nach § 28 VwVfG", "Anhörung – Verstoß gegen die Meldepflicht",
			"Anhörung vor Erlass eines Bescheides", "Anhörung zur Ordnungswidrigkeit"},
		intro: []string{
			"Anhörung nach § 28 VwVfG – {Verstoß gegen die Meldepflicht|Rückforderung zu viel gezahlter Gebühren|Festsetzung eines Zwangsgeldes|Ordnungswidrigkeit wegen verspäteter Anmeldung|Sperrmüll auf öffentlicher Fläche|Verletzung der Streupflicht|Ruhestörung}\n\n{salutation},\n\nbevor wir in dieser Angelegenheit eine Entscheidung treffen, geben wir Ihnen nach § 28 Abs. 1 VwVfG Gelegenheit, sich zu den für die Entscheidung erheblichen Tatsachen zu äußern. Bitte nehmen Sie bis zum {later} schriftlich Stellung.\n\n",
		},
		body: []string{
			"Nach den uns vorliegenden Unterlagen sind Sie am {earlier} in die Wohnung {street} eingezogen. Die Anmeldung erfolgte jedoch erst am {date} und damit nicht innerhalb der Frist von zwei Wochen (§ 17 Abs. 1 BMG).",
			"Sollten wir bis zu dem genannten Termin keine Stellungnahme von Ihnen erhalten, werden wir nach Aktenlage entscheiden.",
			"Sie können sich auch mündlich äußern; vereinbaren Sie dazu bitte einen Termin mit {clerk} unter der Telefonnummer {phone}.",
			"Am {earlier} wurde auf dem Gehweg vor dem Grundstück {street} abgestellter Sperrmüll festgestellt. Die Beseitigung durch den Bauhof verursachte Kosten in Höhe von {amount}, deren Erstattung wir beabsichtigen zu verlangen.",
			"Nach der Straßenreinigungssatzung sind die Eigentümer der anliegenden Grundstücke verpflichtet, die Gehwege bei Schnee und Glätte werktags bis 7:00 Uhr zu räumen und zu streuen. Am {earlier} wurde festgestellt, dass dieser Pflicht nicht nachgekommen wurde.",
			"Wir weisen darauf hin, dass Sie nicht verpflichtet sind, sich zur Sache zu äußern. Sie können sich jederzeit eines Bevollmächtigten bedienen (§ 14 VwVfG).",
			"Die Akte kann nach vorheriger Terminvereinbarung im {office} eingesehen werden (§ 29 VwVfG).",
		},
	},
	{
		name: "Bescheid", key: "Bescheid", class: "correspondence", weight: 35, sources: [5]int{0, 10, 30, 20, 40},
		office: buergeramt, style: letter, remedy: true,
		titles: []string{"Bescheid über die Erstattung von Gebühren", "Bescheid über ein Verwarnungsgeld",
			"Bescheid über eine Sondernutzungserlaubnis", "Bescheid über eine Melderegisterauskunft"},
		intro: []string{
			"Bescheid\n\n{salutation},\n\nauf Ihren Antrag vom {earlier} ergeht folgender Bescheid:\n\n1. Dem Antrag wird {stattgegeben|teilweise stattgegeben|nicht stattgegeben}.\n2. Die Kosten des Verfahrens betragen {small}.\n\nBegründung:\n",
		},
		body: []string{
			"Nach § 35 VwVfG ist ein Verwaltungsakt jede Verfügung, Entscheidung oder andere hoheitliche Maßnahme, die eine Behörde zur Regelung eines Einzelfalls trifft. Die Voraussetzungen für die beantragte Entscheidung liegen {vor|nicht vor|nur teilweise vor}.",
			"Die zu viel gezahlte Gebühr in Höhe von {small} wird auf das von Ihnen angegebene Konto {iban} erstattet. Eine Verrechnung mit offenen Forderungen der Stadtkasse bleibt vorbehalten.",
			"Die Sondernutzungserlaubnis für die Aufstellung {eines Containers|eines Gerüsts|von Tischen und Stühlen|eines Umzugswagens} vor dem Grundstück {street} wird für die Zeit vom {date} bis zum {later} erteilt. Die Sondernutzungsgebühr beträgt {small}.",
			"Die Auskunft aus dem Melderegister nach § 44 BMG wurde erteilt. Die betroffene Person hat keine Auskunftssperre; eine Unterrichtung der betroffenen Person ist nicht erforderlich.",
			"Die Kostenentscheidung beruht auf der Verwaltungskostensatzung der Stadt {home}. Die Gebühr ist innerhalb von zwei Wochen nach Bekanntgabe an die Stadtkasse zu zahlen.",
			"Ein Verwarnungsgeld in Höhe von {small} wurde festgesetzt, weil das Fahrzeug am {earlier} im eingeschränkten Halteverbot abgestellt war.",
		},
	},
	{
		name: "Widerspruchsbescheid", key: "Widerspruch", class: "correspondence", weight: 20, sources: [5]int{0, 10, 30, 20, 40},
		office: ordnungsamt, style: letter,
		titles: []string{"Widerspruchsbescheid", "Widerspruchsbescheid – Az. {az}", "Entscheidung über Ihren Widerspruch"},
		intro: []string{
			"Widerspruchsbescheid\n\n{salutation},\n\nIhr Widerspruch vom {earlier} gegen unseren Bescheid vom {earlier}, Az. {az}, wird {zurückgewiesen|als unzulässig verworfen|abgeholfen|teilweise abgeholfen}. Die Entscheidung beruht auf § 73 VwGO.\n\nBegründung:\n",
		},
		body: []string{
			"Der Widerspruch ist zulässig, aber unbegründet. Der angefochtene Bescheid ist rechtmäßig und verletzt Sie nicht in Ihren Rechten (§ 113 Abs. 1 VwGO).",
			"Der Widerspruch ist nicht innerhalb eines Monats nach Bekanntgabe des Bescheides erhoben worden (§ 70 Abs. 1 VwGO). Gründe für eine Wiedereinsetzung in den vorigen Stand nach § 60 VwGO sind weder vorgetragen noch ersichtlich.",
			"Ihr Vorbringen, Sie seien bereits am {earlier} ausgezogen, wird durch die Angaben im Melderegister nicht bestätigt.",
			"Soweit dem Widerspruch abgeholfen wird, werden die im Vorverfahren entstandenen Kosten erstattet, soweit sie zur zweckentsprechenden Rechtsverfolgung notwendig waren (§ 80 VwVfG).",
			"Die Kosten des Widerspruchsverfahrens betragen {small}. Sie beruhen auf der Verwaltungskostensatzung der Stadt {home}.",
			"Rechtsbehelfsbelehrung: Gegen diesen Widerspruchsbescheid kann innerhalb eines Monats nach Zustellung Klage beim Verwaltungsgericht erhoben werden. Die Klage ist schriftlich oder zur Niederschrift des Urkundsbeamten der Geschäftsstelle zu erheben.",
		},
	},
	{
		name: "Mahnung", key: "Mahnung", class: "correspondence", weight: 55, sources: [5]int{0, 0, 10, 30, 60},
		office: stadtkasse, style: letter,
		titles: []string{"Mahnung – Kassenzeichen {kz}", "Zahlungserinnerung Müllgebühren {year}",
			"Mahnung Grundsteuer {year}", "Letzte Mahnung vor Vollstreckung"},
		intro: []string{
			"Mahnung\nKassenzeichen: {kz}\n\n{salutation},\n\ntrotz Fälligkeit am {earlier} ist der folgende Betrag noch nicht bei der Stadtkasse eingegangen:\n{Grundsteuer B|Gewerbesteuer|Müllgebühren|Hundesteuer|Gebühr für den Reisepass|Straßenreinigungsgebühren|Verwarnungsgeld|Zweitwohnungsteuer}: {amount}\nMahngebühr: {small}\nSäumniszuschläge: {small}\n\n",
		},
		body: []string{
			"Bitte überweisen Sie den Gesamtbetrag bis zum {later} auf eines der unten genannten Konten der Stadtkasse. Geben Sie dabei unbedingt das Kassenzeichen an.",
			"Sollte die Zahlung bis dahin nicht eingehen, müssen wir die Zwangsvollstreckung einleiten. Dadurch entstehen Ihnen weitere Kosten.",
			"Falls Sie die Zahlung inzwischen geleistet haben, betrachten Sie dieses Schreiben bitte als gegenstandslos.",
			"Wenn Sie den Betrag nicht auf einmal zahlen können, setzen Sie sich bitte umgehend mit der Stadtkasse in Verbindung; eine Ratenzahlung oder Stundung kann auf Antrag gewährt werden (§ 222 AO).",
			"Die Säumniszuschläge werden nach § 240 AO für jeden angefangenen Monat der Säumnis in Höhe von eins vom Hundert des rückständigen Betrags erhoben.",
			"Die Müllgebühren für das Grundstück {street} sind seit dem {earlier} rückständig. Die Müllabfuhr wird von der Mahnung nicht berührt.",
		},
	},
	{
		name: "Widerspruch", key: "Widerspruch", class: "correspondence", weight: 30, sources: [5]int{30, 15, 55, 0, 0},
		office: buergeramt, style: reply,
		titles: []string{"Widerspruch gegen den Bescheid vom {earlier}", "Widerspruch {full}",
			"Widerspruch Müllgebühren {year}", "Widerspruch Grundsteuerbescheid"},
		intro: []string{
			"Widerspruch gegen den Bescheid vom {earlier}, Az. {az}\n\nSehr geehrte Damen und Herren,\n\nhiermit lege ich gegen den oben genannten Bescheid fristgerecht Widerspruch ein.\n\n",
		},
		body: []string{
			"Die festgesetzte Gebühr ist nach meiner Auffassung zu hoch, weil die Restmülltonne seit dem {earlier} nicht mehr genutzt wird. Den Müll entsorge ich über den Wertstoffhof.",
			"Der Bescheid ist mir erst am {date} zugegangen, da ich mich bis dahin im Urlaub befand. Ich bitte daher, den Widerspruch als fristgerecht anzusehen.",
			"Ich bin bereits am {earlier} aus der Wohnung {street} ausgezogen und habe mich in {ocity} angemeldet. Die Forderung betrifft mich daher nicht.",
			"Die Berechnung des Messbetrags ist fehlerhaft; die Wohnfläche beträgt nicht {height} Quadratmeter, sondern deutlich weniger. Ich bitte um Überprüfung.",
			"Ich beantrage die Aussetzung der Vollziehung nach § 80 Abs. 4 VwGO bis zur Entscheidung über den Widerspruch.",
			"Eine ausführliche Begründung reiche ich nach Akteneinsicht nach. Ich bitte um einen Termin zur Akteneinsicht.",
			"Bitte bestätigen Sie mir den Eingang dieses Schreibens. Mit einer telefonischen Rückfrage unter meiner Nummer bin ich einverstanden.",
			"Ich bevollmächtige {oname}, mich in dieser Angelegenheit zu vertreten. Die Vollmacht liegt bei.",
		},
	},
	{
		name: "Erinnerung", key: "Erinnerung", class: "correspondence", weight: 50, sources: [5]int{0, 0, 20, 30, 50},
		office: buergeramt, style: letter,
		titles: []string{"Erinnerung – Ablauf Ihres Personalausweises", "Erinnerung an fehlende Unterlagen",
			"Erinnerung – Ablauf Ihres Reisepasses", "Erinnerung: Sperrmüllabholung"},
		intro: []string{
			"Erinnerung\n\n{salutation},\n\nIhr Personalausweis Nr. {idno} läuft am {later} ab. Bitte beantragen Sie rechtzeitig einen neuen Ausweis; die Herstellung dauert etwa drei bis vier Wochen.\n\n",
			"Erinnerung\n\n{salutation},\n\nIhr Reisepass Nr. {passno} läuft am {later} ab. Bitte beantragen Sie rechtzeitig einen neuen Pass; die Herstellung dauert etwa drei bis vier Wochen.\n\n",
			"Erinnerung\n\n{salutation},\n\nwir erinnern an unser Schreiben vom {earlier}, mit dem wir Sie gebeten haben, fehlende Unterlagen einzureichen. Bis heute sind die Unterlagen nicht bei uns eingegangen.\n\n",
			"Erinnerung\n\n{salutation},\n\nwir erinnern Sie an die Abholung Ihres Sperrmülls am {later}. Bitte stellen Sie den Sperrmüll am Vorabend, jedoch nicht vor 18:00 Uhr, gut sichtbar am Straßenrand bereit.\n\n",
		},
		body: []string{
			"Termine für die Antragstellung können Sie online unter www.{homeweb}.de/termine oder telefonisch unter {phone} vereinbaren. Bitte bringen Sie ein aktuelles biometrisches Lichtbild mit.",
			"Für die weitere Bearbeitung fehlen noch: die Wohnungsgeberbestätigung, eine Kopie des Mietvertrags und die Geburtsurkunde des Kindes. Bitte reichen Sie die Unterlagen bis zum {later} ein.",
			"Sollten die Unterlagen nicht fristgerecht eingehen, müssen wir nach Aktenlage entscheiden. Dies kann zur Ablehnung Ihres Antrags führen.",
			"Bitte beachten Sie, dass ein abgelaufener Personalausweis nicht mehr als Ausweisdokument anerkannt wird. Die Ausweispflicht ergibt sich aus § 1 PAuswG.",
			"Zum Sperrmüll gehören sperrige Gegenstände aus dem Haushalt, etwa Möbel, Matratzen und Teppiche. Müll in Säcken, Bauschutt und Elektrogeräte werden nicht mitgenommen.",
		},
	},
	{
		name: "Geburtseintrag", key: "Geburtenregister", class: "civil-register", weight: 30, sources: [5]int{0, 40, 20, 40, 0},
		office: standesamt, style: form,
		titles: []string{"Geburtenregister – Eintrag {regno}/{year}", "Geburtseintrag {child} {family}",
			"Folgebeurkundung zum Geburtseintrag {full}"},
		intro: []string{
			"Geburtenregister Nr. {regno}/{year}\nBeurkundet am {date} durch das Standesamt {home}\nKind: {child} {family}, geboren am {date} um {time} Uhr in {home}\nElternteil: {full}, geboren am {birth} in {birthplace}\nStaatsangehörigkeit: {nationality}\n\n",
			"Geburtenregister Nr. {regno}/{birthyear}\nFolgebeurkundung vom {date}\nBetroffene Person: {full}, geboren am {birth} in {birthplace}\nStaatsangehörigkeit: {nationality}\n\n",
		},
		body: []string{
			"Im Geburtenregister werden die Vornamen und der Familienname des Kindes, Ort sowie Tag, Stunde und Minute der Geburt, das Geschlecht des Kindes und die Vornamen und Familiennamen der Eltern beurkundet (§ 21 PStG).",
			"Die Geburt wurde von der Klinik schriftlich angezeigt (§ 20 PStG). Die Anzeige ging innerhalb einer Woche nach der Geburt beim Standesamt ein.",
			"Folgebeurkundung: Die Namensänderung auf Grund der Erklärung vom {earlier} wurde nach § 27 PStG zum Geburtseintrag beurkundet.",
			"Randvermerk: Berichtigung des Geburtsortes nach § 47 PStG auf Anordnung der Fachaufsicht vom {earlier}.",
			"Die Vaterschaft wurde am {earlier} vor dem Jugendamt anerkannt; die Anerkennung wurde als Folgebeurkundung eingetragen.",
			"Die Sorgeerklärung nach § 1626a BGB wurde gegenüber dem Jugendamt abgegeben und dem Standesamt mitgeteilt.",
			"Die Eltern haben den Familiennamen {family} zum Geburtsnamen des Kindes bestimmt (§ 1617 BGB). Die Namenserklärung wurde öffentlich beglaubigt.",
			"Der Registereintrag wurde elektronisch signiert und im Personenstandsregister gespeichert (§ 3 PStG). Die Fortführung obliegt dem Standesamt {home}.",
			"Mitteilungen über die Geburt gingen an die Meldebehörde, das Bundeszentralamt für Steuern und die Elterngeldstelle (§ 57 PStV).",
		},
	},
	{
		name: "Eheeintrag", key: "Eheregister", class: "civil-register", weight: 20, sources: [5]int{0, 40, 20, 40, 0},
		office: standesamt, style: form,
		titles: []string{"Eheregister – Eintrag {regno}/{year}", "Eheschließung {full}", "Eheeintrag {family}"},
		intro: []string{
			"Eheregister Nr. {regno}/{year}\nBeurkundet am {date} durch das Standesamt {home}\nEhegatten: {full}, geboren am {birth} in {birthplace}, und {spouse}\nStaatsangehörigkeit: {nationality}\n\n",
		},
		body: []string{
			"Die Eheschließung fand am {date} im Trauzimmer des Rathauses {home} statt. Trauung durch: {clerk}. Die Ehegatten führen den Ehenamen {family} (§ 1355 BGB).",
			"Die Ehefähigkeit wurde geprüft; Ehehindernisse nach §§ 1306 bis 1308 BGB liegen nicht vor.",
			"Als Trauzeuge wirkte {oname} mit. Die Angaben zur Person wurden anhand des Personalausweises geprüft.",
			"Die Anmeldung der Eheschließung erfolgte am {earlier}. Vorgelegt wurden beglaubigte Registerausdrücke aus den Geburtenregistern und eine erweiterte Meldebescheinigung.",
			"Der Registereintrag wurde elektronisch signiert und im Personenstandsregister gespeichert (§ 3 PStG). Die Fortführung obliegt dem Standesamt {home}.",
			"Die Eheschließung wurde der Meldebehörde und dem Bundeszentralamt für Steuern mitgeteilt (§ 57 PStV); die Steuerklassen werden von Amts wegen geändert.",
		},
	},
	{
		name: "Sterbeeintrag", key: "Sterberegister", class: "civil-register", weight: 15, sources: [5]int{0, 40, 20, 40, 0},
		office: standesamt, style: form,
		titles: []string{"Sterberegister – Eintrag {regno}/{year}", "Sterbefall {oname}", "Sterbeeintrag – Anzeige durch {full}"},
		intro: []string{
			"Sterberegister Nr. {regno}/{year}\nBeurkundet am {date} durch das Standesamt {home}\nVerstorbene Person: {oname}\nSterbetag: {earlier}, Sterbeort: {home}\nAnzeigende Person: {full}, {street}, {plz} {city}\n\n",
		},
		body: []string{
			"Der Sterbefall wurde innerhalb von drei Werktagen angezeigt (§ 28 PStG). Die Todesbescheinigung der Ärztin lag vor.",
			"Es wurden {count} Sterbeurkunden erteilt. Die Gebühr beträgt 12,00 € für die erste und 6,00 € für jede weitere Urkunde.",
			"Die Mitteilung an das Nachlassgericht erfolgte nach § 7 PStV. Ein Testament wurde nicht vorgelegt.",
			"Die Meldebehörde wurde benachrichtigt; die verstorbene Person wurde im Melderegister als verstorben gekennzeichnet.",
			"Die Bestattung ist nach dem Bestattungsgesetz frühestens 48 Stunden nach Eintritt des Todes zulässig. Die Urnenbeisetzung auf dem Friedhof {home} ist vorgesehen.",
			"Der Registereintrag wurde elektronisch signiert und im Personenstandsregister gespeichert (§ 3 PStG). Die Fortführung obliegt dem Standesamt {home}.",
		},
	},
}

// Parts shared by the kinds.
var (
	personBlock = "Angaben zur Person\nFamilienname: {family}\nVornamen: {given}\nGeburtsdatum: {birth}\nGeburtsort: {birthplace}\nStaatsangehörigkeit: {nationality}\nFamilienstand: {marital}\nAnschrift: {street}, {plz} {city}\n\n"

	formHead   = "Stadt {home} – {office}\n"
	formHead2  = "\nEingang: {date} · Vorgang Az. {az} · Bürger-Nr. {cid}\nEingangskanal: {channel}\n\n"
	letterHead = "Stadt {home} · {office} · {officeaddr} · {homeplz} {home}\n\n{anrede} {full}\n{street}\n{plz} {city}\n\nUnser Zeichen: Az. {az} · Bürger-Nr. {cid}\nAuskunft erteilt: {clerk} · {room} · Telefon {phone}\n{home}, {datelong}\n\n"
	replyHead  = "{full}\n{street}\n{plz} {city}\n\nStadt {home}\n{office}\n{officeaddr}\n{homeplz} {home}\n\n{city}, {date}\n\n"

	formClose   = "Ich versichere, dass die vorstehenden Angaben richtig und vollständig sind.\n{city}, {date}\n{full}\n{signed}\nBearbeitet von {clerk}, {office}.\n"
	letterClose = "Mit freundlichen Grüßen\nIm Auftrag\n\n{clerk}\n{office} der Stadt {home}\n\nDieses Schreiben wurde maschinell erstellt und ist ohne Unterschrift gültig.\n"
	replyClose  = "Mit freundlichen Grüßen\n\n{full}\n"
	remedy      = "Rechtsbehelfsbelehrung\nGegen diesen Bescheid kann innerhalb eines Monats nach Bekanntgabe Widerspruch erhoben werden. Der Widerspruch ist schriftlich, in elektronischer Form nach § 3a Abs. 2 VwVfG oder zur Niederschrift bei der Stadt {home}, {office}, {officeaddr}, {homeplz} {home}, einzulegen.\n\n"

	// notice: paragraphs any document may carry, drawn without repetition.
	notices = []string{
		"Datenschutzhinweis: Ihre personenbezogenen Daten werden zur Erfüllung der gesetzlichen Aufgaben nach Art. 6 Abs. 1 Buchst. c und e DSGVO verarbeitet. Informationen zu Ihren Rechten nach Art. 15 bis 21 DSGVO finden Sie unter www.{homeweb}.de/datenschutz oder erhalten Sie im Bürgeramt.",
		"Öffnungszeiten: Montag bis Mittwoch 8:00 bis 16:00 Uhr, Donnerstag 8:00 bis 18:00 Uhr, Freitag 8:00 bis 12:00 Uhr. Termine können online unter www.{homeweb}.de/termine vereinbart werden.",
		"Bankverbindungen der Stadtkasse {home}: Sparkasse, IBAN {iban}; Volksbank, IBAN {iban}. Bitte geben Sie bei jeder Zahlung das Kassenzeichen an.",
		"Das Rathaus ist über den Eingang {officeaddr} barrierefrei zugänglich. Gebärdensprachdolmetscher können auf Anfrage bestellt werden.",
		"Bitte geben Sie bei Rückfragen und Zahlungen stets das Aktenzeichen {az} an.",
		"Sie erreichen uns über das Bürgerkonto im Serviceportal der Stadt {home} unter www.{homeweb}.de oder per E-Mail an poststelle@{homeweb}.de. Für vertrauliche Mitteilungen nutzen Sie bitte das Postfach im Bürgerkonto.",
		"Ein Bescheid gilt am dritten Tag nach der Aufgabe zur Post als bekannt gegeben (§ 41 Abs. 2 VwVfG).",
		"Informationen in Leichter Sprache und in anderen Sprachen (Englisch, Türkisch, Arabisch, Ukrainisch) finden Sie unter www.{homeweb}.de/service.",
		"Die Stadt {home} versendet Bescheide auf Wunsch elektronisch an das Postfach Ihres Bürgerkontos. Die Zustimmung können Sie jederzeit widerrufen.",
		"Gebühren werden nach der Verwaltungskostensatzung der Stadt {home} in der jeweils geltenden Fassung erhoben.",
	}
)
