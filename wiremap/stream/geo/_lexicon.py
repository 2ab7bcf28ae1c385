"""Small hand-kept word lists the recogniser's rules use (not place data: that is the gazetteer's).

Kept short and general: titles and given names that mark a person, head words that make a
capitalised run an organisation, place-type suffixes that hint the kind of place, demonyms,
AP-style US state abbreviations and the continents.
"""

from __future__ import annotations

__all__ = [
    "AP_STATES",
    "CONNECTORS",
    "CONTINENTS",
    "DEMONYMS",
    "GIVEN_NAMES",
    "INSTITUTIONS",
    "KIND_SUFFIX",
    "LOCATIVE",
    "NON_PLACE_HEADS",
    "ORG_HEADS",
    "PERSON_AFTER",
    "PLACE_NOUNS",
    "SHORT_FORMS",
    "STOP_CAPS",
    "STREET_HEADS",
    "TITLES",
]

def _words(s: str) -> frozenset[str]:
    return frozenset(s.split())


#: Words a capitalised person name follows.
TITLES = _words(
"""mr mrs ms miss dr prof professor sir lord lady dame captain capt commander cmdr colonel col
    general gen lieutenant lt sergeant sgt major maj corporal cpl private pvt admiral adm marshal
    president vice premier chancellor minister secretary senator sen rep representative congressman
    congresswoman governor gov mayor judge justice sheriff deputy detective det officer trooper
    chief coach father fr rev reverend pastor bishop archbishop cardinal pope rabbi imam sheikh
    king queen prince princess emperor ayatollah mullah spokesman spokeswoman spokesperson
    attorney prosecutor dean chairman chairwoman director analyst reporter correspondent
    mister madam"""
)

#: Words that, right after a capitalised run, say it names a person.
PERSON_AFTER = _words("said says told added stated explained wrote argued noted recalled")

#: Common given names (English and the regions the desk covers). A run starting with one is a
#: person unless the whole run is a known place.
GIVEN_NAMES = _words(
"""aaron adam alan albert alex alexander alexei alexey ali alice allen amanda amy andrea andrew
    andrei andrey angela ann anna anne anthony anton arthur barack barbara ben benjamin betty bill
    billy bob bobby brad brandon brenda brian bruce carl carol caroline catherine charles charlie
    chris christina christine christopher cindy craig dale dan daniel danny david deborah debra
    dennis denis diana diane dmitry dmitri donald donna doris dorothy douglas dylan ed edward
    elena elizabeth emily emma eric ethan eugene evgeny frank fred gary george gerald gloria
    gregory hannah harold harry heather helen henry howard igor irina jack jacob james jane janet
    jason jean jeff jeffrey jennifer jeremy jerry jessica jim jimmy joan joe john johnny jonathan
    jose joseph joshua joyce juan judy julia julie justin karen katherine kathleen kathy keith
    kelly kenneth kevin kim kimberly kyle larry laura lauren lawrence linda lisa louis margaret
    maria marie marilyn mark martha martin mary matthew melissa michael michelle mike mikhail
    mohammed muhammad nancy natalia natalya nathan nicholas nicole nikolai oleg olga pamela patricia
    patrick paul peter philip rachel ralph randy raymond rebecca richard rick robert roger ronald
    roy russell ruth ryan sam samuel sandra sara sarah scott sean sergei sergey sharon shirley
    stephanie stephen steve steven susan svetlana tatiana teresa terry thomas tim timothy tina todd
    tom tony tyler valentina valery victor vincent viktor vladimir volodymyr walter wayne william
    willie yevgeny yuri yury zachary"""
)

#: Head words that make a capitalised run an organisation, event or other non-place name.
ORG_HEADS = _words(
"""ministry department office agency bureau administration service services council committee
    commission authority board university college school academy institute institution hospital
    clinic church cathedral mosque company corporation corp inc ltd llc group bank association
    federation union party club league team army navy force forces guard police sheriff
    court parliament senate congress assembly government embassy consulate museum library
    foundation society network times post herald tribune journal gazette news press radio
    television tv airlines airways railway railways motors"""
)

#: A place name followed by one of these is part of another kind of name ("Moscow Standard Time").
NON_PLACE_HEADS = _words("time standard daylight")

#: Capitalised right after a place name, these make it a street, road, river or venue named
#: after the place ("Memphis Street", "Illinois Route 159", "Naugatuck River", "Cairo Stadium").
STREET_HEADS = _words(
    """street road avenue ave boulevard blvd drive lane highway hwy route parkway pkwy pike
    turnpike expressway freeway river creek stadium arena"""
)

#: Names of institutions that news uses for the institution, not the place ("the White House said").
INSTITUTIONS = frozenset({
    "white house", "kremlin", "pentagon", "wall street", "downing street", "capitol hill",
    "elysee", "foggy bottom", "bankova", "zhongnanhai",
})

#: Lower-case words allowed inside a multi-word place name when a capitalised word follows.
CONNECTORS = _words("of on upon de del la le les al el du da do dos das di am im sur en y and the")

#: Place-type words after (or before, "the city of") a name → the kind of place they ask for.
KIND_SUFFIX: dict[str, str] = {
    "oblast": "admin1", "oblasts": "admin1", "region": "admin1", "regions": "admin1",
    "province": "admin1", "provinces": "admin1", "krai": "admin1", "kray": "admin1",
    "governorate": "admin1", "prefecture": "admin1", "state": "admin1", "republic": "admin1",
    "area": "area", "district": "admin2", "county": "admin2", "parish": "admin2", "raion": "admin2",
    "city": "city", "town": "city", "village": "city",
    "airport": "airport", "airports": "airport", "airfield": "airport", "airbase": "airport",
}

#: Prepositions before a place.
LOCATIVE = _words("in at near from to over outside across into toward towards around via")

#: Nouns after a demonym that make it denote a place ("Russian territory", "Ukrainian soil").
PLACE_NOUNS = _words(
    "territory territories soil border borders airspace side capital coast waters city town "
    "village region regions province provinces countryside"
)

#: Capitalised words that are common English (or news) words first, place names second.
STOP_CAPS = _words(
"""a an the this that these those it its he she they we you i his her their our my your of in on
    at to for from by with and or but if as so not no yes all any some many most more much
    however according military sources officials official police airport airports border
    news said says will would could should may might can must also then than there here when
    where while after before during since until about above below between under over into
    monday tuesday wednesday thursday friday saturday sunday january february march april june
    july august september october november december spring summer autumn fall winter
    north south east west northern southern eastern western central
    president mayor governor minister ministry government state states city county town
    village district region regions province nation national federal republic union
    university college school church hospital center centre park lake river mount street
    road avenue highway bridge island beach valley hill hills harbor harbour port bay
    mobile reading bath hope nice split deal orange independence liberty unity victory
    friendship progress enterprise commerce justice mission story home best early
    god lord christian christmas easter people man woman women men children family
    american russian british french german chinese english
    new old big little great upper lower middle
    one two three four five six seven eight nine ten first second third last next
    mr mrs ms dr st republican republicans democrat democrats democratic capitol congress
    senate parliament catholic muslim islamic jewish christian arab hamas taliban
    internet web online"""
)

#: AP-style state abbreviations as written in US news ("Ga.", "W.Va.", "Calif.").
AP_STATES: dict[str, str] = {
    "ala": "AL", "ariz": "AZ", "ark": "AR", "calif": "CA", "colo": "CO", "conn": "CT",
    "del": "DE", "fla": "FL", "ga": "GA", "ill": "IL", "ind": "IN", "kan": "KS", "kans": "KS",
    "ky": "KY", "la": "LA", "md": "MD", "mass": "MA", "mich": "MI", "minn": "MN", "miss": "MS",
    "mo": "MO", "mont": "MT", "neb": "NE", "nebr": "NE", "nev": "NV", "n h": "NH", "n j": "NJ",
    "n m": "NM", "n y": "NY", "n c": "NC", "n d": "ND", "okla": "OK", "ore": "OR", "pa": "PA",
    "r i": "RI", "s c": "SC", "s d": "SD", "tenn": "TN", "tex": "TX", "vt": "VT", "va": "VA",
    "wash": "WA", "w va": "WV", "wis": "WI", "wyo": "WY", "d c": "DC",
}

#: Continents and world regions: (id, name, lat, lon, radius_km).
CONTINENTS: dict[str, tuple[str, str, float, float, float]] = {
    "africa": ("ct:AF", "Africa", 7.19, 21.09, 3500.0),
    "asia": ("ct:AS", "Asia", 29.84, 89.30, 4000.0),
    "europe": ("ct:EU", "Europe", 48.69, 9.14, 2000.0),
    "north america": ("ct:NA", "North America", 46.07, -100.55, 3500.0),
    "south america": ("ct:SA", "South America", -14.60, -57.66, 3000.0),
    "latin america": ("ct:LA", "Latin America", -8.78, -55.49, 3500.0),
    "oceania": ("ct:OC", "Oceania", -18.31, 138.52, 3000.0),
    "antarctica": ("ct:AN", "Antarctica", -78.16, 16.41, 2000.0),
    "middle east": ("rg:ME", "Middle East", 29.30, 42.55, 1500.0),
    "mideast": ("rg:ME", "Middle East", 29.30, 42.55, 1500.0),
    "caribbean": ("rg:CB", "Caribbean", 15.33, -71.19, 1200.0),
    "balkans": ("rg:BK", "Balkans", 43.0, 20.0, 500.0),
    "caucasus": ("rg:CC", "Caucasus", 42.0, 44.5, 400.0),
    "scandinavia": ("rg:SC", "Scandinavia", 62.0, 15.0, 800.0),
    "southeast asia": ("rg:SEA", "Southeast Asia", 6.0, 111.0, 2200.0),
    "west africa": ("rg:WAF", "West Africa", 11.0, -3.0, 1500.0),
    "east africa": ("rg:EAF", "East Africa", 1.0, 36.0, 1500.0),
}

#: Demonym → ISO country code. Only the forms news uses for the country itself.
DEMONYMS: dict[str, str] = {
    "afghan": "AF", "albanian": "AL", "algerian": "DZ", "american": "US", "americans": "US",
    "angolan": "AO", "argentine": "AR", "argentinian": "AR", "armenian": "AM", "australian": "AU",
    "austrian": "AT", "azerbaijani": "AZ", "bangladeshi": "BD", "belarusian": "BY",
    "belgian": "BE", "bolivian": "BO", "bosnian": "BA", "brazilian": "BR", "british": "GB",
    "bulgarian": "BG", "burmese": "MM", "cambodian": "KH", "cameroonian": "CM", "canadian": "CA",
    "canadians": "CA", "chadian": "TD", "chilean": "CL", "chinese": "CN", "colombian": "CO",
    "congolese": "CD", "croatian": "HR", "cuban": "CU", "cypriot": "CY", "czech": "CZ",
    "danish": "DK", "dutch": "NL", "ecuadorian": "EC", "egyptian": "EG", "egyptians": "EG",
    "emirati": "AE", "eritrean": "ER", "estonian": "EE", "ethiopian": "ET", "filipino": "PH",
    "finnish": "FI", "french": "FR", "georgian": "GE", "georgians": "GE", "german": "DE",
    "germans": "DE", "ghanaian": "GH", "greek": "GR", "guatemalan": "GT", "haitian": "HT",
    "honduran": "HN", "hungarian": "HU", "icelandic": "IS", "indian": "IN", "indonesian": "ID",
    "iranian": "IR", "iranians": "IR", "iraqi": "IQ", "iraqis": "IQ", "irish": "IE",
    "israeli": "IL", "israelis": "IL", "italian": "IT", "jamaican": "JM", "japanese": "JP",
    "jordanian": "JO", "kazakh": "KZ", "kenyan": "KE", "korean": "KR", "kosovar": "XK",
    "kuwaiti": "KW", "kyrgyz": "KG", "latvian": "LV", "lebanese": "LB", "liberian": "LR",
    "libyan": "LY", "lithuanian": "LT", "malaysian": "MY", "malian": "ML", "mexican": "MX",
    "mexicans": "MX", "moldovan": "MD", "mongolian": "MN", "moroccan": "MA", "mozambican": "MZ",
    "nepalese": "NP", "nepali": "NP", "nicaraguan": "NI", "nigerian": "NG", "nigerien": "NE",
    "norwegian": "NO", "pakistani": "PK", "pakistanis": "PK", "palestinian": "PS",
    "palestinians": "PS", "panamanian": "PA", "paraguayan": "PY", "peruvian": "PE",
    "polish": "PL", "portuguese": "PT", "qatari": "QA", "romanian": "RO", "russian": "RU",
    "russians": "RU", "rwandan": "RW", "saudi": "SA", "saudis": "SA", "senegalese": "SN",
    "serbian": "RS", "singaporean": "SG", "slovak": "SK", "slovenian": "SI", "somali": "SO",
    "south african": "ZA", "spanish": "ES", "sri lankan": "LK", "sudanese": "SD",
    "swedish": "SE", "swiss": "CH", "syrian": "SY", "syrians": "SY", "taiwanese": "TW",
    "tajik": "TJ", "tanzanian": "TZ", "thai": "TH", "tunisian": "TN", "turkish": "TR",
    "turkmen": "TM", "ugandan": "UG", "ukrainian": "UA", "ukrainians": "UA", "uruguayan": "UY",
    "uzbek": "UZ", "venezuelan": "VE", "vietnamese": "VN", "yemeni": "YE", "zambian": "ZM",
    "zimbabwean": "ZW", "scottish": "GB", "welsh": "GB", "english": "GB",
}

#: Short forms news uses for a few places, where a gazetteer's key table may read them otherwise.
#: Keys of three letters or fewer only count when written in capitals ("US", not "us").
SHORT_FORMS: dict[str, str] = {
    "us": "cc:US", "usa": "cc:US", "u s a": "cc:US", "america": "cc:US", "uk": "cc:GB",
    "u k": "cc:GB", "uae": "cc:AE", "drc": "cc:CD", "prc": "cc:CN", "nsw": "a1:AU.02",
    "dprk": "cc:KP", "rok": "cc:KR",
}
