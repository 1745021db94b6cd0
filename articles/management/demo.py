"""Demo data for a local desk: our own short retellings of events covered by Mexican and US outlets
(2016–2021), with claims by named speakers, links of every type and verdicts in several states.

The outlets are invented; the events, names and figures are those reported at the time.
"""

from dataclasses import dataclass, field

# username, role (group name or "admin"), password. Public on purpose: the loader refuses to run
# with DEBUG off, so these never reach a real desk.
DEMO_USERS = [  # noqa: S105
    ("annotator", "Annotator", "annotate-demo-2026"),
    ("factchecker", "Fact-checker", "check-demo-2026"),
    ("editor", "Editor", "edit-demo-2026"),
    ("editor2", "Editor", "edit-demo-2026"),
    ("admin", "admin", "admin-demo-2026"),
]


@dataclass
class DemoClaim:
    key: str
    quote: str
    speaker: str  # key into DEMO_SPEAKERS
    summary: str
    tags: list[str] = field(default_factory=list)
    by: str = "annotator"


@dataclass
class DemoArticle:
    key: str
    title: str
    source: str
    url: str
    byline: str
    published: str
    body: str
    claims: list[DemoClaim]


DEMO_SOURCES = {
    "herald": ("Pacific Coast Herald", "https://herald.example.org/"),
    "dispatch": ("Border Dispatch", "https://dispatch.example.org/"),
    "ledger": ("Capital Ledger", "https://ledger.example.org/"),
    "monitor": ("Security Monitor", "https://monitor.example.org/"),
}

DEMO_SPEAKERS = {
    "mayor": ("Bonifacio Bustamante", "mayor of Escuinapa, Sinaloa", "Municipal government of Escuinapa"),
    "morera": ("María Elena Morera", "president of Causa en Común", "Causa en Común"),
    "saucedo": ("David Saucedo", "security analyst based in Guanajuato", ""),
    "amlo": ("Andrés Manuel López Obrador", "president of Mexico", "Government of Mexico"),
    "decree": ("Government of Guanajuato", "state government, decree of 17 May 2021", "State of Guanajuato"),
    "barrios": ("Irving Barrios", "attorney general of Tamaulipas", "State of Tamaulipas"),
    "governor": ("Francisco Cabeza de Vaca", "governor of Tamaulipas", "State of Tamaulipas"),
    "cooperative": ("Guanajuato news cooperative", "local media count of police killings", ""),
}

DEMO_ARTICLES = [
    DemoArticle(
        key="escuinapa",
        title="Escuinapa mayor defends officers filmed fleeing armed convoy",
        source="herald",
        url="https://herald.example.org/2016/02/escuinapa-police-video",
        byline="Herald staff",
        published="2016-02-15",
        body=(
            "A phone video from Escuinapa, a town in the northern state of Sinaloa, shows six police officers "
            "hurrying to their patrol cars as armed men arrive at a family home. Moments later a young man is "
            "forced into one of the gunmen's vehicles while relatives scream; three shots can be heard.\n\n"
            "Mayor Bonifacio Bustamante rejected the idea that the officers simply ran away. "
            '"It was a tactical retreat. Had the police opened fire without a plan, we could have had eight '
            'or ten deaths," the mayor said, adding that children and women were in the street at the time.\n\n'
            "According to the mayor, about 15 heavily armed men arrived in three vehicles, and the victim, a "
            "27-year-old man accused by a local family of kidnapping, was killed and left on a highway some "
            "75 miles away.\n\n"
            "The Sinaloa prosecutor's office said four state and two municipal officers involved had been "
            "arrested and were under investigation."
        ),
        claims=[
            DemoClaim(
                key="retreat",
                quote="It was a tactical retreat.",
                speaker="mayor",
                summary="The officers' withdrawal was a planned tactical retreat, not flight.",
                tags=["police", "escuinapa"],
            ),
            DemoClaim(
                key="deaths",
                quote="Had the police opened fire without a plan, we could have had eight or ten deaths",
                speaker="mayor",
                summary="A shoot-out would have killed eight to ten people.",
                tags=["police", "casualties"],
            ),
            DemoClaim(
                key="gunmen",
                quote="about 15 heavily armed men arrived in three vehicles",
                speaker="mayor",
                summary="Around 15 gunmen came in three vehicles.",
                tags=["escuinapa"],
            ),
        ],
    ),
    DemoArticle(
        key="critics",
        title="Civic group calls Escuinapa police retreat 'shameful'",
        source="ledger",
        url="https://ledger.example.org/2016/02/causa-en-comun-escuinapa",
        byline="Ledger correspondents",
        published="2016-02-16",
        body=(
            "The anti-crime organisation Causa en Común said on Tuesday that the officers filmed leaving a "
            "kidnapping in Escuinapa had failed the people they were paid to protect.\n\n"
            '"It is shameful. They had the means to defend the citizens: they were carrying assault rifles," '
            "said María Elena Morera, the group's president. She noted that officers could be seen talking on "
            "their phones as they left, which, in her view, suggests they were ordered to go.\n\n"
            '"Even if it were a fight between criminal groups, the police should not allow a murder," Morera '
            "said, calling for an investigation into whether the officers acted on the gunmen's orders.\n\n"
            "Six officers, four from the state force and two municipal, have been detained."
        ),
        claims=[
            DemoClaim(
                key="shameful",
                quote="They had the means to defend the citizens: they were carrying assault rifles",
                speaker="morera",
                summary="The officers were armed well enough to intervene.",
                tags=["police", "escuinapa"],
            ),
            DemoClaim(
                key="orders",
                quote="which, in her view, suggests they were ordered to go",
                speaker="morera",
                summary="The officers may have been ordered to leave.",
                tags=["police", "collusion"],
            ),
            DemoClaim(
                key="six",
                quote="Six officers, four from the state force and two municipal, have been detained.",
                speaker="",
                summary="Six officers (four state, two municipal) detained.",
                tags=["escuinapa"],
            ),
        ],
    ),
    DemoArticle(
        key="guanajuato",
        title="Cartel targets elite Guanajuato officers at home",
        source="dispatch",
        url="https://dispatch.example.org/2021/05/guanajuato-tactical-group",
        byline="Dispatch newsroom",
        published="2021-05-31",
        body=(
            "The Jalisco cartel has declared war on the Tactical Group, an elite unit of Guanajuato's state "
            "police, promising in a printed banner to kill two of its officers for every cartel member arrested.\n\n"
            'Officers have been kidnapped and tortured for the addresses of colleagues. "Many of them have '
            'deserted. They took their families, left their homes and are in hiding," said David Saucedo, a '
            'security analyst in Guanajuato. "This is an open war against the state\'s security forces."\n\n'
            "A local news cooperative counts at least seven police officers killed on their days off so far "
            "this year, and 262 officers killed in the state between 2018 and 12 May, an average of about 75 "
            "officers a year.\n\n"
            "On 17 May the state government issued a decree funding protection for police and prison staff, "
            "saying that organised crime groups had shown up at officers' homes."
        ),
        claims=[
            DemoClaim(
                key="deserted",
                quote="Many of them have deserted.",
                speaker="saucedo",
                summary="Many Tactical Group officers have deserted and gone into hiding.",
                tags=["police", "guanajuato"],
            ),
            DemoClaim(
                key="openwar",
                quote="This is an open war against the state's security forces.",
                speaker="saucedo",
                summary="The cartel is waging open war on Guanajuato's police.",
                tags=["guanajuato"],
            ),
            DemoClaim(
                key="avg75",
                quote=(
                    "262 officers killed in the state between 2018 and 12 May, an average of about 75 officers a year"
                ),
                speaker="cooperative",
                summary="262 police killed in Guanajuato 2018–May 2021, about 75 a year.",
                tags=["statistics", "guanajuato"],
                by="factchecker",
            ),
            DemoClaim(
                key="seven",
                quote="at least seven police officers killed on their days off so far this year",
                speaker="cooperative",
                summary="At least seven officers killed off duty in 2021.",
                tags=["statistics", "guanajuato"],
            ),
            DemoClaim(
                key="decree",
                quote="organised crime groups had shown up at officers' homes",
                speaker="decree",
                summary="Criminal groups have come to police officers' homes.",
                tags=["guanajuato"],
            ),
        ],
    ),
    DemoArticle(
        key="guanajuato2",
        title="Police in Guanajuato flee their homes as killings mount",
        source="monitor",
        url="https://monitor.example.org/2021/06/guanajuato-police-hiding",
        byline="Monitor staff writers",
        published="2021-06-01",
        body=(
            "Police officers in the central state of Guanajuato are moving their families out of their homes "
            "after a string of killings claimed by the Jalisco cartel.\n\n"
            "Local media report that at least seven officers have been killed on their days off in 2021. "
            "Citing state data, wire reports put the toll at an average of 75 state police killed each year "
            "since 2018 — more than are shot dead in the whole of the United States in a year.\n\n"
            'The president, Andrés Manuel López Obrador, who promised "hugs, not bullets" when he took office '
            'in December 2018, said his security policy was working. "We are attending to the causes of '
            'violence, and the results will come," he told reporters.'
        ),
        claims=[
            DemoClaim(
                key="seven2",
                quote="at least seven officers have been killed on their days off in 2021",
                speaker="cooperative",
                summary="At least seven officers killed off duty in 2021 (repeated).",
                tags=["statistics", "guanajuato"],
            ),
            DemoClaim(
                key="avg75b",
                quote="an average of 75 state police killed each year since 2018",
                speaker="cooperative",
                summary="About 75 state police killed a year since 2018 (repeated).",
                tags=["statistics", "guanajuato"],
            ),
            DemoClaim(
                key="usa",
                quote="more than are shot dead in the whole of the United States in a year",
                speaker="cooperative",
                summary="More police killed in Guanajuato than shot dead in the US each year.",
                tags=["statistics", "comparison"],
                by="factchecker",
            ),
            DemoClaim(
                key="causes",
                quote="We are attending to the causes of violence, and the results will come",
                speaker="amlo",
                summary="The government's focus on root causes will reduce violence.",
                tags=["policy"],
            ),
        ],
    ),
    DemoArticle(
        key="culiacan",
        title="President backs release of El Chapo's son after Culiacán battle",
        source="ledger",
        url="https://ledger.example.org/2019/10/culiacan-ovidio-release",
        byline="Ledger correspondents",
        published="2019-10-31",
        body=(
            "Security forces captured Ovidio Guzmán López in Culiacán on 17 October, then released him after "
            "cartel gunmen attacked civilians and set buildings on fire across the city.\n\n"
            'President Andrés Manuel López Obrador said he endorsed the decision taken on the ground. "Many '
            "people were at risk, and it was decided to protect their lives. This is not about massacres any "
            'more," he said at his morning press conference.\n\n'
            "\"There is no war against drug trafficking. We will not put civilians' lives at risk behind the "
            'euphemism of collateral damage," the president added.'
        ),
        claims=[
            DemoClaim(
                key="protect",
                quote="Many people were at risk, and it was decided to protect their lives.",
                speaker="amlo",
                summary="Releasing Ovidio Guzmán protected civilian lives.",
                tags=["policy", "culiacan"],
            ),
            DemoClaim(
                key="nowar",
                quote="There is no war against drug trafficking.",
                speaker="amlo",
                summary="The government is not waging war on drug trafficking.",
                tags=["policy"],
            ),
        ],
    ),
    DemoArticle(
        key="camargo",
        title="Elite Tamaulipas officers arrested over Camargo massacre",
        source="monitor",
        url="https://monitor.example.org/2021/02/camargo-massacre-gopes",
        byline="Monitor investigations desk",
        published="2021-02-03",
        body=(
            "Twelve state police officers from the special operations group GOPES have been arrested over the "
            "killing of 19 people near the US border in Camargo, Tamaulipas, the state's attorney general, "
            "Irving Barrios, announced on 2 February.\n\n"
            "Three of the arrested officers had been trained and vetted by the United States, according to "
            "later reports. The victims, among them Guatemalan migrants, were found on 22 January in two burnt "
            "vehicles.\n\n"
            'Governor Francisco Cabeza de Vaca condemned the killings. "There will be no impunity," he said. '
            "Tamaulipas nonetheless has one of the highest impunity rates in Mexico, according to the think "
            "tank México Evalúa."
        ),
        claims=[
            DemoClaim(
                key="twelve",
                quote="Twelve state police officers from the special operations group GOPES have been arrested",
                speaker="barrios",
                summary="12 GOPES officers arrested over the Camargo killings.",
                tags=["tamaulipas", "police"],
                by="factchecker",
            ),
            DemoClaim(
                key="impunity",
                quote="There will be no impunity,",
                speaker="governor",
                summary="The Camargo killers will be punished.",
                tags=["tamaulipas"],
            ),
        ],
    ),
]

# (from claim key, relation, to claim key, note, created by)
DEMO_LINKS = [
    ("shameful", "contradicts", "retreat", "The civic group rejects the mayor's planned-retreat account.", "annotator"),
    ("orders", "contradicts", "deaths", "Ordered to leave versus avoiding a bloodbath.", "annotator"),
    ("shameful", "responds_to", "retreat", "Morera answers the mayor's defence.", "annotator"),
    ("avg75b", "same_claim", "avg75", "Same state figure, two outlets.", "factchecker"),
    ("seven2", "same_claim", "seven", "Same local count repeated.", "annotator"),
    ("deserted", "supports", "decree", "The analyst's account supports the decree's description.", "factchecker"),
    ("usa", "cites", "avg75", "The comparison rests on the 75-a-year average.", "factchecker"),
    ("protect", "supports", "retreat", "Both justify standing down to protect civilians.", "annotator"),
    ("causes", "responds_to", "openwar", "The president's answer to the escalation.", "annotator"),
]

# (claim key, state, rating, headline, explanation, evidence [(url, title, note)])
DEMO_VERDICTS = [
    (
        "avg75",
        "published",
        "true",
        "Guanajuato's police death toll averages about 75 a year",
        "The state's own figures give 262 officers killed from 2018 to mid-May 2021, which is about 75 a year.",
        [("https://monitor.example.org/data/guanajuato-police-deaths", "Police deaths by year", "State figures")],
    ),
    (
        "usa",
        "approved",
        "mostly_true",
        "More police are killed in Guanajuato than shot dead in the US each year",
        "US line-of-duty gunfire deaths were below 75 in most recent years, so the comparison roughly holds.",
        [("https://herald.example.org/data/us-officer-deaths", "Officer deaths in the US", "Annual totals")],
    ),
    (
        "deaths",
        "in_review",
        "unverifiable",
        "No way to know how many would have died in a shoot-out",
        "The mayor's estimate of eight or ten deaths is a counterfactual that cannot be checked.",
        [("https://herald.example.org/2016/02/escuinapa-police-video", "Original report", "Mayor's interview")],
    ),
    (
        "twelve",
        "changes_requested",
        "true",
        "Twelve GOPES officers were arrested",
        "The attorney general announced the arrests at a press conference on 2 February 2021.",
        [("https://monitor.example.org/2021/02/camargo-massacre-gopes", "Arrest announcement", "")],
    ),
    (
        "impunity",
        "draft",
        "misleading",
        "Tamaulipas has one of Mexico's highest impunity rates",
        "",
        [],
    ),
]
