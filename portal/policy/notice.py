"""The privacy notice a caseworker shows or gives a youth before intake, written from the agency's own
settings, in English or French, in plain words. Its version is a digest of the text shown, so an
acknowledgement says exactly which notice the youth saw."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from portal import audit
from portal.models import Agency, Client, NoticeAcknowledgement, User
from portal.policy import settings

LANGUAGES = ("en", "fr")
HOW = (("shown", "Shown on screen"), ("given_printed", "Given on paper"))

FIELD_NAMES = {
    "en": {"status_in_canada": "your immigration status", "country_of_birth": "your country of birth",
           "citizenships": "your citizenships", "uci": "your IRCC client number (UCI)",
           "other_names": "other names you have used", "address": "your address", "phone": "your phone number",
           "email": "your email", "preferred_language": "the language you prefer"},
    "fr": {"status_in_canada": "votre statut d'immigration", "country_of_birth": "votre pays de naissance",
           "citizenships": "vos citoyennetés", "uci": "votre numéro de client d'IRCC (IUC)",
           "other_names": "les autres noms que vous avez utilisés", "address": "votre adresse",
           "phone": "votre numéro de téléphone", "email": "votre courriel",
           "preferred_language": "la langue que vous préférez"},
}
RECIPIENT_NAMES = {
    "en": {"ircc": "Immigration, Refugees and Citizenship Canada (IRCC), for your application",
           "partner": "a service you choose (a legal clinic, a settlement agency), only what you agree to",
           "person": "you, when you ask for your file", "court": "a court or tribunal, when the law or an order "
           "requires it", "researcher": "funders and researchers, as counts without names",
           "other": "others, only with your consent"},
    "fr": {"ircc": "Immigration, Réfugiés et Citoyenneté Canada (IRCC), pour votre demande",
           "partner": "un service que vous choisissez (clinique juridique, organisme d'établissement), seulement ce "
           "que vous acceptez", "person": "vous-même, quand vous demandez votre dossier",
           "court": "un tribunal, quand la loi ou une ordonnance l'exige",
           "researcher": "des bailleurs de fonds et des chercheurs, en chiffres sans noms",
           "other": "d'autres personnes, seulement avec votre consentement"},
}
TEXT = {
    "en": {
        "title": "How {agency} keeps your information private",
        "who": "{agency} helps you with your immigration or citizenship application. To do that, we keep a file "
               "about you. This page says what is in it, why, who may see it and what you can do.",
        "what_h": "What we collect", "what": "Your name and date of birth, and:",
        "later": "We do not ask for {fields} now. If your application needs it, we will ask you then and tell "
                 "you why.",
        "why_h": "Why we use it", "share_h": "Who we may share it with",
        "share_note": "We write down every time we share your information, who got it and why.",
        "keep_h": "How long we keep it",
        "keep": "We keep your file while we help you. Once it is closed, we keep it for {years} years, as our "
                "policy says. Then we delete it securely, unless a court or the law says we must keep it.",
        "rights_h": "Your rights",
        "rights": ["You can ask to see everything we hold about you. We answer within 30 days.",
                   "You can ask us to correct something that is wrong. If we do not agree, you can add a "
                   "statement saying what you think is right.",
                   "You can stop sharing with a service you chose, at any time.",
                   "If your information is lost or seen by someone who should not see it, we tell you.",
                   "You can complain to the Information and Privacy Commissioner of Ontario (ipc.on.ca)."],
        "contact_h": "Who to ask", "nothing": "nothing more",
    },
    "fr": {
        "title": "Comment {agency} protège vos renseignements",
        "who": "{agency} vous aide dans votre demande d'immigration ou de citoyenneté. Pour cela, nous gardons un "
               "dossier sur vous. Cette page dit ce qu'il contient, pourquoi, qui peut le voir et ce que vous "
               "pouvez faire.",
        "what_h": "Ce que nous recueillons", "what": "Votre nom et votre date de naissance, et :",
        "later": "Nous ne demandons pas {fields} maintenant. Si votre demande en a besoin, nous vous le "
                 "demanderons à ce moment-là et vous dirons pourquoi.",
        "why_h": "Pourquoi nous les utilisons", "share_h": "Avec qui nous pouvons les communiquer",
        "share_note": "Nous notons chaque communication de vos renseignements : à qui et pourquoi.",
        "keep_h": "Combien de temps nous les gardons",
        "keep": "Nous gardons votre dossier pendant que nous vous aidons. Une fois fermé, nous le gardons {years} "
                "ans, comme le prévoit notre politique. Ensuite, nous le supprimons de façon sûre, sauf si un "
                "tribunal ou la loi nous oblige à le garder.",
        "rights_h": "Vos droits",
        "rights": ["Vous pouvez demander à voir tout ce que nous détenons sur vous. Nous répondons dans les "
                   "30 jours.",
                   "Vous pouvez nous demander de corriger une erreur. Si nous ne sommes pas d'accord, vous pouvez "
                   "ajouter une déclaration qui dit ce que vous pensez être juste.",
                   "Vous pouvez cesser à tout moment de communiquer vos renseignements à un service que vous "
                   "avez choisi.",
                   "Si vos renseignements sont perdus ou vus par quelqu'un qui ne devrait pas les voir, nous vous "
                   "prévenons.",
                   "Vous pouvez porter plainte au Commissaire à l'information et à la protection de la vie privée "
                   "de l'Ontario (ipc.on.ca)."],
        "contact_h": "À qui vous adresser", "nothing": "rien de plus",
    },
}


@dataclass(frozen=True)
class Notice:
    language: str
    title: str
    sections: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...]  # (heading, paragraphs, list items)
    version: str


def _years(days: int, language: str) -> str:
    years = round(days / 365.25, 1)
    text = f"{years:g}"
    return text.replace(".", ",") if language == "fr" else text


def build(session: Session, *, agency: Agency, language: str) -> Notice:
    language = language if language in LANGUAGES else "en"
    text, policy = TEXT[language], settings.get(session, agency_id=agency.id)
    names = FIELD_NAMES[language]
    collected = tuple(names[key] for key in settings.OPTIONAL_KEYS if policy.collects(key))
    later = [names[key] for key in policy.held_back]
    what_paragraphs = [text["what"]] + ([text["later"].format(fields=", ".join(later))] if later else [])
    shared = tuple(RECIPIENT_NAMES[language][key] for key, _label in settings.RECIPIENTS if policy.recipients.get(key))
    sections = (
        ("", (text["who"].format(agency=agency.name),), ()),
        (text["what_h"], tuple(what_paragraphs), collected or (text["nothing"],)),
        (text["why_h"], (), tuple(policy.purposes)),
        (text["share_h"], (text["share_note"],), shared),
        # The same period the retention job uses (portal/records/retention.py): the notice cannot promise another.
        (text["keep_h"], (text["keep"].format(years=_years(agency.retain_closed_files_days, language)),), ()),
        (text["rights_h"], (), tuple(text["rights"])),
        (text["contact_h"], (policy.privacy_contact or agency.name,), ()),
    )
    title = text["title"].format(agency=agency.name)
    digest = hashlib.sha256(repr((language, title, sections)).encode()).hexdigest()[:16]
    return Notice(language, title, sections, digest)


def acknowledge(session: Session, *, user: User, client: Client, language: str, how: str, on: date) -> None:
    agency = session.get(Agency, client.agency_id)
    shown = build(session, agency=agency, language=language)
    session.add(NoticeAcknowledgement(agency_id=client.agency_id, client_id=client.id, language=shown.language,
                                      how=how, acknowledged_on=on, notice_version=shown.version,
                                      recorded_by_id=user.id))
    audit.record(session, action="privacy_notice.acknowledged", user=user, record_type="client", record_id=client.id,
                 detail=f"language={shown.language} how={how} version={shown.version}")


def acknowledgements(session: Session, *, client_id) -> list[NoticeAcknowledgement]:
    return list(session.exec(select(NoticeAcknowledgement).where(NoticeAcknowledgement.client_id == client_id)
                             .order_by(NoticeAcknowledgement.acknowledged_on.desc())))
