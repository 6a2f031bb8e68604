"""Demo regions and concerns, written in each region's own language (see shared/pilots.md)."""

from __future__ import annotations

REGIONS: list[dict] = [
    {
        "slug": "alentejo",
        "name": "Alentejo",
        "default_locale": "pt_PT",
        "description": "Piloto em Sines, São Pedro do Corval, Pias e Arronches, com serviços "
        "digitais para o envelhecimento saudável, a cerâmica, o turismo e os "
        "recursos públicos. Diga-nos o que funciona e o que não funciona.",
    },
    {
        "slug": "penedes",
        "name": "Penedès",
        "default_locale": "ca",
        "description": "Pilot al Penedès: aprofitem les restes de poda de la vinya com a biomassa "
        "i provem serveis de salut, mobilitat i turisme. Expliqueu-nos què us "
        "preocupa.",
    },
    {
        "slug": "burgenland",
        "name": "Südburgenland",
        "default_locale": "de",
        "description": "Pilotregion im Südburgenland: Wir testen digitale Angebote für Energie, "
        "Mobilität und Tourismus, etwa buchbare Weinverkostungen. Sagen Sie uns, "
        "was Ihnen auffällt.",
    },
    {
        "slug": "piemonte",
        "name": "Piemonte",
        "default_locale": "it",
        "description": "Progetto pilota in Piemonte per un turismo lento nelle valli e nelle "
        "colline. Raccontateci cosa funziona e cosa si può migliorare.",
    },
    {
        "slug": "narvik",
        "name": "Narvik",
        "default_locale": "nb",
        "description": "Pilotprosjekt i Narvik med utvidet virkelighet ved severdigheter, "
        "besøksstyring og transport til steder langt fra sentrum. Fortell oss "
        "hva du merker i hverdagen.",
    },
    {
        "slug": "harstad",
        "name": "Harstad",
        "default_locale": "nb",
        "description": "Pilotprosjekt i Harstad og Hålogaland om søk og redning, der droner gir "
        "bedre oversikt under leteaksjoner. Her kan du stille spørsmål og si fra "
        "om det du lurer på.",
    },
    {
        "slug": "lapland",
        "name": "Lappi",
        "default_locale": "fi",
        "description": "Lapin ja Oulun seudun kokeilussa testataan liikkumista, kuljetuksia ja "
        "lähiruoan kotiinkuljetusta. Kerro, mikä toimii ja mikä ei.",
    },
]

# Per region slug, about five concerns.
CONCERNS: dict[str, list[dict]] = {
    "alentejo": [
        {
            "title": "O tablet de saúde em Pias é difícil demais para a minha mãe",
            "body": "A minha mãe tem 81 anos e recebeu um tablet para medir a tensão em casa. "
            "As letras são pequenas e ela não percebe os ícones.\n"
            "Muitas vezes desiste e as medições não são enviadas. Podiam fazer uma "
            "versão mais simples, com letra grande e menos botões?",
            "language": "pt_PT",
            "topic": "health",
            "audiences": ["technology_providers"],
            "status": "answered",
            "days_ago": 12,
            "official_answer": "Obrigado pelo seu relato. Já preparámos um modo simplificado, "
            "com letra grande, só dois botões e instruções faladas. A equipa "
            "técnica vai a Pias na próxima semana para atualizar os tablets "
            "e explicar às famílias como funciona. Também pode pedir uma "
            "visita em casa através da junta de freguesia.",
            "replies": [
                {
                    "author": "citizen",
                    "body": "O meu pai tem o mesmo problema com o tablet. "
                    "Ainda bem que vão mudar isto.",
                },
                {
                    "author": "leader",
                    "body": "Na junta ajudamos a marcar as visitas. Basta passar cá ou ligar.",
                },
            ],
            "supports": ["citizen", "leader"],
        },
        {
            "title": "Quem na câmara lê estes relatos?",
            "body": "Já escrevi aqui duas vezes sobre a iluminação da minha rua e não sei se "
            "alguém leu. Gostava de saber quem na câmara recebe estas mensagens. "
            "E quanto tempo demoram a responder?",
            "language": "pt_PT",
            "topic": "public_services",
            "audiences": ["local_administration"],
            "status": "resolved",
            "days_ago": 40,
            "official_answer": "Os relatos marcados para a administração local seguem para o "
            "gabinete de apoio ao munícipe, que responde no prazo de 15 "
            "dias úteis. A partir deste mês, a resposta aparece aqui no "
            "fórum com o nome do serviço responsável. A iluminação da sua "
            "rua foi reparada na semana passada.",
            "replies": [
                {"author": "citizen", "body": "Confirmo, a luz já está a funcionar. Obrigado."},
            ],
            "supports": ["citizen", "moderator"],
        },
        {
            "title": "Não há rede no monte perto de Arronches",
            "body": "No monte onde vivo quase não há rede de telemóvel. Quando há uma "
            "urgência, temos de subir ao cerro para telefonar.\n"
            "Alguém sabe se há planos para melhorar isto?",
            "language": "pt_PT",
            "topic": "connectivity",
            "audiences": [],
            "status": "open",
            "days_ago": 3,
            "official_answer": None,
            "replies": [
                {
                    "author": "leader",
                    "body": "Vamos levar este assunto à próxima reunião com a operadora.",
                },
            ],
            "supports": ["citizen"],
        },
        {
            "title": "Só cinco olarias de São Pedro do Corval aparecem no mapa",
            "body": "Temos mais de vinte olarias na aldeia, mas o mapa digital só mostra cinco. "
            "Os turistas chegam e não sabem onde ir. Como podemos pôr as nossas "
            "oficinas no mapa?",
            "language": "pt_PT",
            "topic": "tourism",
            "audiences": ["technology_providers", "local_administration"],
            "status": "answered",
            "days_ago": 20,
            "official_answer": "Qualquer olaria pode pedir para entrar no mapa através do "
            "formulário em https://example.org/alentejo/olarias ou na junta "
            "de freguesia. Pedimos apenas o nome, o horário e uma "
            "fotografia. As novas oficinas aparecem no mapa no prazo de "
            "uma semana.",
            "replies": [
                {"author": "citizen", "body": "Já fiz o pedido para a minha olaria. Foi fácil."},
            ],
            "supports": ["citizen", "leader", "partner"],
        },
        {
            "title": "O sensor de temperatura na praça de Sines mostra valores errados",
            "body": "O ecrã na praça marca 45 graus ao fim da tarde, mas não está tanto calor. "
            "As pessoas mais velhas ficam assustadas com os avisos de calor.",
            "language": "pt_PT",
            "topic": "other",
            "audiences": ["technology_providers"],
            "status": "resolved",
            "days_ago": 55,
            "official_answer": "Obrigado pelo aviso. O sensor estava ao sol direto durante a "
            "tarde e foi mudado para um local à sombra. Desde 2 de junho os "
            "valores estão corretos e os avisos de calor voltaram ao normal.",
            "replies": [],
            "supports": [],
        },
    ],
    "penedes": [
        {
            "title": "Qui recull les restes de poda de la vinya, i quan?",
            "body": "Aquest hivern hem apilat els sarments al costat de les vinyes, com ens van "
            "dir. Fa tres setmanes que hi són i ningú no els ha vingut a buscar. "
            "Si plou, ja no serviran. Hi ha un calendari de recollida?",
            "language": "ca",
            "topic": "agri_food",
            "audiences": ["technology_providers"],
            "status": "answered",
            "days_ago": 15,
            "official_answer": "Teniu raó, hi ha hagut retard per una avaria de la "
            "trituradora. Des de dilluns fem la ruta per Torrelavit i Sant "
            "Martí Sarroca, i el calendari de cada poble és a "
            "https://example.org/penedes/poda. A més, us enviarem un SMS "
            "dos dies abans de passar.",
            "replies": [
                {
                    "author": "leader",
                    "body": "A la cooperativa també tenim el calendari imprès, passeu a buscar-lo.",
                },
                {
                    "author": "citizen",
                    "body": "A Font-rubí encara no hi han passat. Sabeu quan tocarà?",
                },
            ],
            "supports": ["citizen", "leader"],
        },
        {
            "title": "El fum de la caldera de biomassa ens molesta",
            "body": "Visc a prop de la caldera nova del poble. Alguns matins el fum entra a casa "
            "i fa pudor. Voldria saber si algú controla el que surt per la xemeneia.",
            "language": "ca",
            "topic": "energy",
            "audiences": ["local_administration"],
            "status": "resolved",
            "days_ago": 45,
            "official_answer": "L'Ajuntament va mesurar les emissions el mes passat i els "
            "valors eren correctes, però l'encesa del matí feia massa fum. "
            "Hem canviat el programa d'encesa i hem allargat la xemeneia un "
            "metre. Els resultats de les mesures es publiquen cada tres "
            "mesos a https://example.org/penedes/caldera.",
            "replies": [
                {"author": "citizen", "body": "Des del canvi ja no noto la pudor. Gràcies."},
            ],
            "supports": ["citizen", "moderator"],
        },
        {
            "title": "El autobús a demanda no llega a las masías",
            "body": "Vivo en una masía a cuatro kilómetros del pueblo. La aplicación del "
            "autobús a demanda solo deja elegir paradas del centro. Para ir al médico "
            "tengo que pedir a un vecino que me lleve.",
            "language": "es",
            "topic": "mobility",
            "audiences": [],
            "status": "open",
            "days_ago": 4,
            "official_answer": None,
            "replies": [
                {"author": "citizen", "body": "En las masías de Subirats nos pasa lo mismo."},
            ],
            "supports": ["citizen", "leader"],
        },
        {
            "title": "L'avís de la polsera de salut arriba tard",
            "body": "El meu pare porta la polsera que avisa si cau. La setmana passada va caure "
            "a l'hort i l'avís em va arribar mitja hora més tard.\n"
            "A la masia hi ha poca cobertura.",
            "language": "ca",
            "topic": "health",
            "audiences": ["technology_providers"],
            "status": "answered",
            "days_ago": 9,
            "official_answer": "Gràcies per avisar-nos. Quan no hi ha cobertura, la polsera "
            "guarda l'avís i l'envia quan torna a tenir senyal, i per això "
            "va arribar tard. Instal·larem un repetidor a casa vostra sense "
            "cost i afegirem una trucada automàtica al telèfon fix. Un "
            "tècnic us trucarà aquesta setmana per acordar el dia.",
            "replies": [
                {
                    "author": "moderator",
                    "body": "He afegit l'etiqueta de proveïdors de tecnologia perquè ho vegin.",
                },
            ],
            "supports": ["citizen"],
        },
        {
            "title": "Podem ajudar a senyalitzar la ruta en bici entre cellers?",
            "body": "Molts visitants es perden a la ruta en bici entre els cellers. Alguns veïns "
            "coneixem bé els camins i podríem ajudar a posar senyals o fer un mapa. "
            "Qui s'hi apunta?",
            "language": "ca",
            "topic": "tourism",
            "audiences": ["citizens", "local_administration"],
            "status": "open",
            "days_ago": 6,
            "official_answer": None,
            "replies": [
                {"author": "citizen", "body": "Jo m'hi apunto, tinc temps els dissabtes al matí."},
            ],
            "supports": ["citizen", "leader", "moderator"],
        },
    ],
    "burgenland": [
        {
            "title": "Die Rufbus-App hat keine Telefonbuchung",
            "body": "Meine Nachbarin ist 84 und hat kein Smartphone. Den Rufbus kann man aber "
            "nur mehr über die App bestellen. Früher hat man einfach angerufen. "
            "Bitte wieder eine Telefonnummer einführen.",
            "language": "de",
            "topic": "mobility",
            "audiences": ["technology_providers"],
            "status": "answered",
            "days_ago": 10,
            "official_answer": "Danke für den Hinweis. Ab 1. März gibt es wieder eine "
            "Buchungs-Hotline, Montag bis Freitag von 7 bis 18 Uhr. "
            "Telefonische Buchungen landen im selben System wie die "
            "App-Buchungen, die Fahrt ist also genauso sicher. Die Nummer "
            "hängt ab nächster Woche auch in allen Gemeindeämtern aus.",
            "replies": [
                {"author": "citizen", "body": "Super, das hilft meiner Mama sehr."},
                {
                    "author": "leader",
                    "body": "Wir drucken die Nummer auch in der nächsten Gemeindezeitung ab.",
                },
            ],
            "supports": ["citizen", "leader", "moderator"],
        },
        {
            "title": "Wie viel Strom liefern die Solarpaneele am Gemeindeamt wirklich?",
            "body": "Auf dem Gemeindeamt und der Volksschule sind seit letztem Jahr "
            "Solarpaneele. Man hört aber nie, was sie bringen. Kann man das irgendwo "
            "nachschauen?",
            "language": "de",
            "topic": "energy",
            "audiences": ["local_administration"],
            "status": "resolved",
            "days_ago": 35,
            "official_answer": "Die Erzeugung aller Gemeindeanlagen ist jetzt öffentlich "
            "einsehbar unter https://example.org/burgenland/solar. Dort "
            "sehen Sie die Tageswerte und den Vergleich mit dem Verbrauch "
            "der Gebäude. Im Vorjahr haben die Paneele rund 62 Prozent des "
            "Strombedarfs von Gemeindeamt und Volksschule gedeckt.",
            "replies": [
                {
                    "author": "citizen",
                    "body": "Danke, sehr interessant. Im Sommer ist es ja fast der ganze Bedarf.",
                },
            ],
            "supports": ["citizen"],
        },
        {
            "title": "Weinverkostung gebucht, aber der Keller war zu",
            "body": "Wir haben über die Plattform eine Verkostung für Samstag gebucht und eine "
            "Bestätigung bekommen. Vor Ort war der Keller zugesperrt und der Winzer "
            "wusste von nichts. Wir sind extra aus Graz gekommen.",
            "language": "de",
            "topic": "tourism",
            "audiences": ["technology_providers"],
            "status": "closed",
            "days_ago": 50,
            "official_answer": "Das tut uns leid. Beim Betrieb war noch ein alter Kalender "
            "aktiv, das ist behoben. Wir haben Sie direkt kontaktiert und "
            "den Betrag zurücküberwiesen. Da der Fall geklärt ist, "
            "schließen wir diesen Beitrag.",
            "replies": [],
            "supports": [],
        },
        {
            "title": "Ladestation am Dorfplatz ist dauernd besetzt",
            "body": "Die E-Ladestation am Dorfplatz ist fast immer vom selben Auto belegt, auch "
            "wenn es längst voll ist. Für andere bleibt nichts übrig. "
            "Gibt es da keine Regel?",
            "language": "de",
            "topic": "energy",
            "audiences": [],
            "status": "open",
            "days_ago": 2,
            "official_answer": None,
            "replies": [
                {"author": "citizen", "body": "Stimmt, am Wochenende ist es besonders arg."},
            ],
            "supports": ["citizen", "leader"],
        },
        {
            "title": "Kaum Handyempfang im Kellerviertel",
            "body": "Im Kellerviertel hat man kaum Empfang. Die Winzer sehen neue Buchungen "
            "oft erst am Abend.\n"
            "Gäste stehen dann manchmal vor verschlossener Tür.",
            "language": "de",
            "topic": "connectivity",
            "audiences": ["technology_providers", "local_administration"],
            "status": "answered",
            "days_ago": 18,
            "official_answer": "Im April stellen wir zwei WLAN-Punkte im Kellerviertel auf, "
            "die über die Glasfaser der Gemeinde laufen. Bis dahin schicken "
            "wir jede neue Buchung zusätzlich per SMS an den Betrieb. SMS "
            "kommen auch bei schwachem Empfang meistens an.",
            "replies": [
                {"author": "leader", "body": "Danke, die SMS funktionieren bei uns schon gut."},
            ],
            "supports": ["leader", "partner"],
        },
    ],
    "piemonte": [
        {
            "title": "L'app dei sentieri non ha la mappa offline",
            "body": "In valle non c'è campo per chilometri. Senza rete l'app dei sentieri "
            "mostra solo uno schermo grigio. Ieri due escursionisti si sono persi "
            "sopra la borgata e li abbiamo aiutati noi.",
            "language": "it",
            "topic": "tourism",
            "audiences": ["technology_providers"],
            "status": "answered",
            "days_ago": 14,
            "official_answer": "Grazie della segnalazione. Dalla versione 2.3 si possono "
            "scaricare le mappe di ogni valle prima di partire, dal menu "
            "«Mappe offline». La posizione sulla mappa funziona anche senza "
            "rete. Stiamo preparando dei cartelli ai punti di partenza che "
            "ricordano di scaricare la mappa.",
            "replies": [
                {"author": "citizen", "body": "Provata domenica in valle, funziona bene."},
            ],
            "supports": ["citizen", "leader", "moderator"],
        },
        {
            "title": "Noi residenti potremmo fare visite guidate: dove ci si iscrive?",
            "body": "Conosco bene la storia del paese e delle cascine. Tanti di noi sarebbero "
            "contenti di accompagnare i turisti. Ma non sappiamo a chi rivolgerci.",
            "language": "it",
            "topic": "tourism",
            "audiences": ["citizens"],
            "status": "resolved",
            "days_ago": 30,
            "official_answer": "Abbiamo aperto le iscrizioni per le «Guide di paese». Si "
            "compila il modulo su https://example.org/piemonte/guide oppure "
            "si passa in Comune il martedì mattina. A maggio ci sarà un "
            "breve corso gratuito in due serate.",
            "replies": [
                {"author": "citizen", "body": "Mi sono iscritta, ci vediamo al corso!"},
                {"author": "leader", "body": "In Comune abbiamo già dodici iscritti."},
            ],
            "supports": ["citizen", "leader"],
        },
        {
            "title": "Troppe auto al lago la domenica",
            "body": "La domenica arrivano tantissime auto al lago e parcheggiano ovunque, anche "
            "davanti ai cancelli. Noi che abitiamo qui non riusciamo a uscire di casa.\n"
            "Non si potrebbe fare una navetta dal paese?",
            "language": "it",
            "topic": "mobility",
            "audiences": [],
            "status": "open",
            "days_ago": 5,
            "official_answer": None,
            "replies": [
                {"author": "citizen", "body": "D'accordo, una navetta servirebbe anche a noi."},
            ],
            "supports": ["citizen", "leader"],
        },
        {
            "title": "I piccoli produttori non compaiono nell'app turistica",
            "body": "D'estate faccio formaggio in alpeggio. Nell'app per i turisti ci sono i "
            "ristoranti, ma non i piccoli produttori. Vorrei che chi passa sapesse che "
            "può comprare da noi.",
            "language": "it",
            "topic": "agri_food",
            "audiences": ["technology_providers", "local_administration"],
            "status": "answered",
            "days_ago": 22,
            "official_answer": "Abbiamo aggiunto la categoria «Produttori locali». Per "
            "comparire basta inviare nome, prodotti, orari e un numero di "
            "telefono con il modulo nell'app, oppure passare dalla Pro Loco. "
            "Controlliamo le richieste ogni venerdì e le pubblichiamo entro "
            "una settimana.",
            "replies": [
                {"author": "citizen", "body": "Ho mandato la richiesta per il mio miele."},
            ],
            "supports": ["citizen"],
        },
        {
            "title": "Il wifi gratuito in piazza non funziona",
            "body": "Da qualche giorno il wifi gratuito in piazza non si collega più. I turisti "
            "chiedono a noi del bar la password. Chi lo deve sistemare?",
            "language": "it",
            "topic": "connectivity",
            "audiences": ["local_administration"],
            "status": "closed",
            "days_ago": 48,
            "official_answer": None,
            "replies": [
                {
                    "author": "moderator",
                    "body": "Chiudo questa discussione: è la stessa "
                    "segnalazione di un'altra, già risolta dal "
                    "Comune la settimana scorsa.",
                },
            ],
            "supports": [],
        },
    ],
    "narvik": [
        {
            "title": "Turistbussene sperrer bygdeveien",
            "body": "Om sommeren står turistbussene parkert langs veien ved utsiktspunktet. "
            "Vi som bor her, kommer oss ikke forbi med traktor eller bil. Det er også "
            "farlig for ungene som sykler til skolen.",
            "language": "nb",
            "topic": "tourism",
            "audiences": ["local_administration"],
            "status": "answered",
            "days_ago": 8,
            "official_answer": "Kommunen har merket en egen oppstillingsplass for busser 300 "
            "meter før utsiktspunktet. Fra 1. juni må alle busser bestille "
            "tid i besøkssystemet, slik at det ikke står mer enn tre busser "
            "der samtidig. Vi følger med de første ukene og justerer hvis "
            "det fortsatt blir trangt.",
            "replies": [
                {"author": "citizen", "body": "Bra! Håper det blir fulgt opp i praksis."},
                {
                    "author": "leader",
                    "body": "Vi sender også beskjed til busselskapene før sesongen.",
                },
            ],
            "supports": ["citizen", "leader", "moderator"],
        },
        {
            "title": "AR-brillene på museet er vanskelige å bruke",
            "body": "Jeg var på museet med barnebarna. Brillene falt av hele tiden, og teksten "
            "var bare på engelsk. Det ble mer frustrasjon enn moro.",
            "language": "nb",
            "topic": "tourism",
            "audiences": ["technology_providers"],
            "status": "resolved",
            "days_ago": 28,
            "official_answer": "Takk for tilbakemeldingen. Vi har byttet til en mindre modell "
            "med justerbar stropp som passer for barn. Teksten finnes nå på "
            "norsk, engelsk og tysk, og du velger språk ved inngangen. De "
            "ansatte viser hvordan brillene brukes før omvisningen starter.",
            "replies": [
                {"author": "citizen", "body": "Var der igjen i helga. Mye bedre nå!"},
            ],
            "supports": ["citizen"],
        },
        {
            "title": "Ingen buss til fjellstua etter klokka fire",
            "body": "Det går ingen buss til fjellstua etter klokka fire. Vi som ikke har bil, "
            "må ta taxi, og det blir dyrt.\n"
            "Kan den nye transporttjenesten også brukes av oss som bor her, ikke bare "
            "av turister?",
            "language": "nb",
            "topic": "mobility",
            "audiences": [],
            "status": "open",
            "days_ago": 6,
            "official_answer": None,
            "replies": [],
            "supports": ["citizen", "leader"],
        },
        {
            "title": "Koden på stien virker ikke uten dekning",
            "body": "Appen for besøkende ber oss skanne en kode ved stien. Men det er ikke "
            "dekning der oppe, så ingenting skjer. Vi ga opp etter ti minutter.",
            "language": "nb",
            "topic": "connectivity",
            "audiences": ["technology_providers"],
            "status": "answered",
            "days_ago": 19,
            "official_answer": "Takk for at du sa fra. I neste oppdatering lastes innholdet ned "
            "når du åpner appen i sentrum, slik at skanningen virker uten "
            "dekning. Vi setter også opp et skilt ved parkeringen som "
            "minner om å laste ned før turen. Oppdateringen kommer i mai.",
            "replies": [],
            "supports": ["citizen", "partner"],
        },
    ],
    "harstad": [
        {
            "title": "Hvem ser dronebildene, og hvor lenge lagres de?",
            "body": "Dronen fløy over huset vårt under leteaksjonen i helga. Det er greit når "
            "noen er savnet. Men jeg lurer på hvem som ser på opptakene, og hvor lenge "
            "de blir lagret.",
            "language": "nb",
            "topic": "public_services",
            "audiences": ["local_administration"],
            "status": "answered",
            "days_ago": 16,
            "official_answer": "Bare innsatslederen og droneoperatørene ser bildene mens "
            "aksjonen pågår. Opptak som ikke trengs i etterkant, slettes "
            "automatisk etter 30 dager. Innen utgangen av måneden legger vi "
            "ut en enkel personvernerklæring for dronetjenesten på "
            "https://example.org/harstad/personvern.",
            "replies": [
                {"author": "citizen", "body": "Takk for et tydelig svar."},
            ],
            "supports": ["citizen", "leader", "moderator"],
        },
        {
            "title": "Frivillige ønsker opplæring i det nye redningsverktøyet",
            "body": "Vi i hjelpekorpset har fått tilgang til den nye kartløsningen for "
            "leteaksjoner. Mange av oss vet ikke hvordan den virker. Kan noen holde et "
            "kurs på kveldstid?",
            "language": "nb",
            "topic": "public_services",
            "audiences": ["citizens"],
            "status": "resolved",
            "days_ago": 38,
            "official_answer": "Vi holder to kveldskurs på brannstasjonen, 12. og 19. mars "
            "klokka 18. Kurset tar to timer og passer for nybegynnere. Det "
            "finnes også en kort videoveiledning som kan ses uten nett, "
            "under «Hjelp» i appen.",
            "replies": [
                {"author": "leader", "body": "Vi har 14 påmeldte så langt."},
                {"author": "citizen", "body": "Videoen var nyttig, takk."},
            ],
            "supports": ["citizen", "leader"],
        },
        {
            "title": "Ingen dekning i skogen på nordsida av øya",
            "body": "På nordsida av øya mister vi dekning med en gang vi går inn i skogen. "
            "Hvis noen går seg bort der, hvordan skal de ringe etter hjelp? Kan dronene "
            "brukes til noe her?",
            "language": "nb",
            "topic": "connectivity",
            "audiences": [],
            "status": "open",
            "days_ago": 2,
            "official_answer": None,
            "replies": [],
            "supports": ["citizen"],
        },
        {
            "title": "Støy fra droneøvelser tidlig om morgenen",
            "body": "De siste ukene har det vært droneøvelser over boligfeltet fra klokka seks "
            "om morgenen. Det surrer og vekker ungene. Må det være så tidlig?",
            "language": "nb",
            "topic": "other",
            "audiences": ["local_administration"],
            "status": "closed",
            "days_ago": 57,
            "official_answer": None,
            "replies": [
                {
                    "author": "moderator",
                    "body": "Øvelsene i dette området er ferdige for i år, "
                    "så vi lukker saken. Si fra her hvis det skjer "
                    "igjen.",
                },
            ],
            "supports": ["citizen"],
        },
        {
            "title": "Kan fiskebåtene se hvor dronen har lett?",
            "body": "Når noen er savnet på sjøen, er det ofte fiskebåtene som er nærmest. Det "
            "hadde hjulpet oss å vite hvor dronen allerede har lett. Da slipper vi å "
            "lete i samme område to ganger.",
            "language": "nb",
            "topic": "public_services",
            "audiences": ["technology_providers"],
            "status": "answered",
            "days_ago": 11,
            "official_answer": "Godt forslag. Vi tester nå et enkelt kart som viser hvilke "
            "områder som er ferdig søkt, uten selve videobildene. Båter som "
            "deltar i aksjonen, kan få en lenke på SMS fra innsatsledelsen. "
            "Testen starter i høst.",
            "replies": [
                {"author": "citizen", "body": "Vi er gjerne med på testen med båten vår."},
            ],
            "supports": ["citizen", "partner"],
        },
    ],
    "lapland": [
        {
            "title": "Lähiruoan kotiinkuljetus ei tule kylään talvella",
            "body": "Tilasin lähiruokaa kahdesti tammikuussa, mutta kuljetus peruttiin "
            "molemmilla kerroilla. Syyksi sanottiin huono tie. Kesällä auto kulkee "
            "hyvin, mutta talvella tarvitsemme palvelua eniten.",
            "language": "fi",
            "topic": "agri_food",
            "audiences": ["technology_providers"],
            "status": "answered",
            "days_ago": 13,
            "official_answer": "Kiitos palautteesta. Kuljetusauto ei päässyt lumisille "
            "sivuteille, ja siksi tilaukset peruttiin. Helmikuusta alkaen "
            "tuomme tilaukset kyläkaupan kylmäkaappiin, josta ne voi noutaa "
            "samana päivänä. Saat tekstiviestin, kun tilaus on perillä.",
            "replies": [
                {"author": "citizen", "body": "Kyläkauppa on hyvä ratkaisu, se on lähellä."},
            ],
            "supports": ["citizen", "leader"],
        },
        {
            "title": "Kyytisovellus ei näytä linja-autojen aikatauluja",
            "body": "Sovelluksessa näkyvät kimppakyydit, mutta eivät linja-autojen aikataulut. "
            "Jouduin odottamaan pysäkillä pakkasessa puoli tuntia. Olisi hyvä nähdä "
            "kaikki samasta paikasta.",
            "language": "fi",
            "topic": "mobility",
            "audiences": ["technology_providers"],
            "status": "resolved",
            "days_ago": 33,
            "official_answer": "Linja-autojen aikataulut ovat nyt mukana sovelluksessa, ja "
            "näet myös, jos vuoro on myöhässä. Tiedot päivittyvät minuutin "
            "välein, kun verkko toimii. Viimeisimmät aikataulut tallentuvat "
            "puhelimeen, joten ne näkyvät myös ilman verkkoa.",
            "replies": [
                {"author": "citizen", "body": "Kokeilin eilen, toimii hyvin. Kiitos!"},
            ],
            "supports": ["citizen"],
        },
        {
            "title": "Paketen till byn tar över en vecka",
            "body": "Jag bor i en by utanför Torneå och beställer ofta reservdelar till "
            "traktorn. Paketen blir liggande länge på terminalen i Uleåborg. Kan inte "
            "leveranserna till byarna samordnas bättre?",
            "language": "sv",
            "topic": "mobility",
            "audiences": [],
            "status": "open",
            "days_ago": 4,
            "official_answer": None,
            "replies": [],
            "supports": ["citizen"],
        },
        {
            "title": "Varoitus poroista liikennesovellukseen?",
            "body": "Talvella tiellä on usein poroja, ja pimeällä niitä on vaikea nähdä. "
            "Voisiko sovellus varoittaa, jos joku on juuri nähnyt poroja tiellä? "
            "Me kyläläiset voisimme ilmoittaa niistä.",
            "language": "fi",
            "topic": "mobility",
            "audiences": ["technology_providers", "citizens"],
            "status": "answered",
            "days_ago": 21,
            "official_answer": "Hyvä ehdotus, kiitos. Sovelluksessa on nyt nappi, jolla voi "
            "ilmoittaa poroista tiellä. Ilmoitus näkyy muille samalla "
            "tieosuudella liikkuville tunnin ajan. Tallennamme vain "
            "tieosuuden, emme ilmoittajan tarkkaa sijaintia.",
            "replies": [
                {"author": "citizen", "body": "Ilmoitin eilen poroista nelostiellä. Hyvä juttu!"},
            ],
            "supports": ["citizen", "leader", "moderator"],
        },
        {
            "title": "Järvikala mukaan lähiruoan kuljetukseen?",
            "body": "Myyn järvikalaa kesäisin. Voisiko lähiruoan kuljetus ottaa kalaa mukaan "
            "samalla kyydillä? Etsin myös muita kalastajia, jotka haluaisivat kokeilla "
            "tätä.",
            "language": "fi",
            "topic": "agri_food",
            "audiences": ["citizens", "technology_providers"],
            "status": "open",
            "days_ago": 7,
            "official_answer": None,
            "replies": [
                {"author": "citizen", "body": "Minua kiinnostaa. Minulla on muikkua ja siikaa."},
            ],
            "supports": ["citizen"],
        },
    ],
}
