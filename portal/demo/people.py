"""Demo agencies, users and clients. Every client is invented; any likeness to a real person is chance."""
from datetime import date, timedelta

from sqlmodel import Session, select

from portal.accounts.users import create_user
from portal.casework.clients import refresh_search_name
from portal.models import Agency, CareStatus, Client, Role, StatusInCanada, User

TODAY = date.today()


def _years_ago(years: int, days: int = 0) -> date:
    try:
        anniversary = TODAY.replace(year=TODAY.year - years)
    except ValueError:  # 29 February
        anniversary = TODAY.replace(year=TODAY.year - years, day=28)
    return anniversary - timedelta(days=days)


AGENCIES = [
    {
        "slug": "peel-cas",
        "name": "Peel Children's Aid Society (CWICE)",
        "address": "6860 Century Avenue, Mississauga ON L5N 2W5",
        "phone": "905-363-6131",
        "email": "cwice@peel.demo",
        "is_centre": True,
        "caseworkers_see_all_clients": True,
    },
    {
        "slug": "jhs-ccms",
        "name": "John Howard Society – Community Case Management",
        "address": "300 Sheppard Avenue West, Toronto ON M2N 1N5",
        "phone": "416-555-0142",
        "email": "ccms@jhs.demo",
        "caseworkers_see_all_clients": False,
    },
]

USERS = [
    ("peel-cas", "manager@peel.demo", "Grace Thompson", Role.manager),
    ("peel-cas", "caseworker@peel.demo", "Samira Benali", Role.caseworker),
    ("peel-cas", "caseworker2@peel.demo", "Jordan Clarke", Role.caseworker),
    ("peel-cas", "admin@peel.demo", "Pat Morrison", Role.admin),
    ("jhs-ccms", "manager@jhs.demo", "Henry Osei", Role.manager),
    ("jhs-ccms", "caseworker@jhs.demo", "Marie Tremblay", Role.caseworker),
]

# (agency, caseworker email, key, family, given, dob, country, citizenships, status, care, language, other names)
CLIENTS = [
    # Proof of citizenship: born in Canada (CWICE's own published case: brothers in foster care).
    ("peel-cas", "caseworker@peel.demo", "alvarez-mateo", "Álvarez Ruiz", "Mateo", _years_ago(13, 40), "Canada",
     "Canada", StatusInCanada.citizen, CareStatus.in_care, "Spanish", ""),
    ("peel-cas", "caseworker@peel.demo", "alvarez-tomas", "Álvarez Ruiz", "Tomás", _years_ago(15, 200), "Canada",
     "Canada", StatusInCanada.citizen, CareStatus.in_care, "Spanish", ""),
    # CIT 0403: PR minors without a Canadian parent, in care.
    ("peel-cas", "caseworker@peel.demo", "haddad-amira", "Haddad حداد", "Amira أميرة", _years_ago(12, 75), "Syria",
     "Syria", StatusInCanada.permanent_resident, CareStatus.in_care, "Arabic", ""),
    ("peel-cas", "caseworker2@peel.demo", "liang-wei", "梁", "伟 Wei", _years_ago(16, 120), "China", "China",
     StatusInCanada.permanent_resident, CareStatus.extended_society_care, "Mandarin", "Liang Wei"),
    # CIT 0003: PR minor whose mother became a citizen.
    ("peel-cas", "caseworker@peel.demo", "sharma-priya", "Sharma शर्मा", "Priya प्रिया", _years_ago(10, 15), "India",
     "India", StatusInCanada.permanent_resident, CareStatus.in_care, "Hindi", ""),
    # CIT 0002: former crown ward, now an adult PR.
    ("peel-cas", "caseworker2@peel.demo", "okonkwo-daniel", "Okonkwo", "Daniel Chukwuemeka", _years_ago(19, 60),
     "Nigeria", "Nigeria", StatusInCanada.permanent_resident, CareStatus.former_crown_ward, "English", ""),
    # State-care PR pathway: no status, came before 19, years in care.
    ("peel-cas", "caseworker@peel.demo", "tesfaye-yohannes", "Tesfaye", "Yohannes", _years_ago(20, 30), "Eritrea",
     "Eritrea", StatusInCanada.no_status, CareStatus.former_crown_ward, "Tigrinya", ""),
    # H&C: no status, not eligible for the state-care pathway.
    ("peel-cas", "caseworker2@peel.demo", "kovalenko-olena", "Коваленко Kovalenko", "Олена Olena", _years_ago(16, 10),
     "Ukraine", "Ukraine", StatusInCanada.no_status, CareStatus.not_in_care, "Ukrainian", ""),
    # PR lacking documents: PR card and verification of status.
    ("peel-cas", "caseworker@peel.demo", "ramirez-sofia", "Ramírez", "Sofía", _years_ago(15, 90), "Colombia",
     "Colombia", StatusInCanada.permanent_resident, CareStatus.in_care, "Spanish", ""),
    ("peel-cas", "caseworker2@peel.demo", "nguyen-minh", "Nguyễn", "Minh Anh", _years_ago(14, 5), "Viet Nam",
     "Viet Nam", StatusInCanada.permanent_resident, CareStatus.in_care, "Vietnamese", ""),
    ("peel-cas", "caseworker@peel.demo", "abdi-hodan", "Abdi", "Hodan", _years_ago(17, 340), "Somalia", "Somalia",
     StatusInCanada.permanent_resident, CareStatus.in_care, "Somali", ""),
    ("peel-cas", "caseworker2@peel.demo", "oconnor-aoife", "O'Connor", "Aoife", _years_ago(11, 0), "Ireland", "Ireland",
     StatusInCanada.permanent_resident, CareStatus.in_care, "English", ""),
    ("peel-cas", "caseworker@peel.demo", "rahimi-zahra", "Rahimi رحیمی", "Zahra زهرا", _years_ago(13, 180),
     "Afghanistan", "Afghanistan", StatusInCanada.protected_person, CareStatus.in_care, "Dari", ""),
    ("peel-cas", "caseworker2@peel.demo", "kim-jiwoo", "김", "지우 Ji-woo", _years_ago(9, 44), "Korea, Republic of",
     "Korea, Republic of", StatusInCanada.permanent_resident, CareStatus.in_care, "Korean", "Kim Ji-woo"),
    ("peel-cas", "caseworker@peel.demo", "mensah-ama", "Mensah-Boateng", "Ama", _years_ago(18, 20), "Ghana", "Ghana",
     StatusInCanada.permanent_resident, CareStatus.extended_society_care, "Twi", ""),
    ("peel-cas", "caseworker2@peel.demo", "singh-harpreet", "Singh", "Harpreet Kaur", _years_ago(16, 250), "India",
     "India", StatusInCanada.refugee_claimant, CareStatus.in_care, "Punjabi", ""),
    ("peel-cas", "caseworker@peel.demo", "yilmaz-elif", "Yılmaz", "Elif", _years_ago(12, 300), "Türkiye", "Türkiye",
     StatusInCanada.temporary_resident, CareStatus.in_care, "Turkish", ""),
    ("peel-cas", "caseworker2@peel.demo", "dubois-lea", "Dubois", "Léa-Marie", _years_ago(15, 15), "Haiti", "Haiti",
     StatusInCanada.unknown, CareStatus.in_care, "Haitian Creole", ""),
    ("peel-cas", "caseworker@peel.demo", "cohen-noa", "Cohen כהן", "Noa נועה", _years_ago(10, 200), "Israel", "Israel",
     StatusInCanada.permanent_resident, CareStatus.in_care, "Hebrew", ""),
    ("peel-cas", "caseworker2@peel.demo", "pereira-joao", "Pereira", "João Pedro", _years_ago(17, 100), "Brazil",
     "Brazil", StatusInCanada.permanent_resident, CareStatus.in_care, "Portuguese", ""),
    # Community case management (border services referrals): adults under unenforceable removal orders.
    ("jhs-ccms", "caseworker@jhs.demo", "mensah-kwame", "Mensah", "Kwame", _years_ago(34, 100), "Ghana", "Ghana",
     StatusInCanada.no_status, CareStatus.not_in_care, "English", ""),
    ("jhs-ccms", "caseworker@jhs.demo", "nazarov-rustam", "Назаров Nazarov", "Рустам Rustam", _years_ago(41, 12),
     "Uzbekistan", "Uzbekistan", StatusInCanada.no_status, CareStatus.not_in_care, "Russian", ""),
    ("jhs-ccms", "caseworker@jhs.demo", "aung", "Aung", "", _years_ago(29, 250), "Myanmar", "Myanmar",
     StatusInCanada.refugee_claimant, CareStatus.not_in_care, "Burmese", ""),
    ("jhs-ccms", "caseworker@jhs.demo", "fernandes-ana", "Fernandes", "Ana Lúcia", _years_ago(26, 40), "Angola",
     "Angola", StatusInCanada.no_status, CareStatus.former_crown_ward, "Portuguese", ""),
    ("jhs-ccms", "caseworker@jhs.demo", "hassan-omar", "Hassan حسن", "Omar عمر", _years_ago(38, 170), "Sudan", "Sudan",
     StatusInCanada.no_status, CareStatus.not_in_care, "Arabic", ""),
    ("jhs-ccms", "caseworker@jhs.demo", "petrov-ivan", "Петров Petrov", "Иван Ivan", _years_ago(45, 60),
     "Russian Federation", "Russian Federation", StatusInCanada.refugee_claimant, CareStatus.not_in_care,
     "Russian", ""),
    ("jhs-ccms", "caseworker@jhs.demo", "diallo-mariama", "Diallo", "Mariama", _years_ago(31, 5), "Guinea", "Guinea",
     StatusInCanada.no_status, CareStatus.not_in_care, "French", ""),
    ("jhs-ccms", "caseworker@jhs.demo", "reyes-carlos", "Reyes", "Carlos Andrés", _years_ago(23, 300), "Honduras",
     "Honduras", StatusInCanada.no_status, CareStatus.former_crown_ward, "Spanish", ""),
    # More clients, so the list, search and filters have something to work on.
    ("peel-cas", "caseworker@peel.demo", "tekle-selam", "Tekle ተኽለ", "Selam ሰላም", _years_ago(17, 130), "Eritrea",
     "Eritrea", StatusInCanada.no_status, CareStatus.in_care, "Tigrinya", ""),
    ("peel-cas", "caseworker2@peel.demo", "sivakumar-anjali", "Sivakumar சிவகுமார்", "Anjali அஞ்சலி", _years_ago(14, 220),
     "Sri Lanka", "Sri Lanka", StatusInCanada.protected_person, CareStatus.in_care, "Tamil", ""),
    ("peel-cas", "caseworker@peel.demo", "mohammadi-ali", "Mohammadi محمدی", "Alireza علی\u200cرضا", _years_ago(16, 33),
     "Iran", "Iran", StatusInCanada.temporary_resident, CareStatus.in_care, "Persian", ""),
    ("peel-cas", "caseworker2@peel.demo", "santos-gabriela", "Santos", "Gabriela", _years_ago(18, 300), "Mexico",
     "Mexico", StatusInCanada.no_status, CareStatus.extended_society_care, "Spanish", "Gaby"),
    ("peel-cas", "caseworker@peel.demo", "tran-bao", "Trần", "Bảo Ngọc", _years_ago(11, 160), "Viet Nam", "Viet Nam",
     StatusInCanada.permanent_resident, CareStatus.in_care, "Vietnamese", ""),
    ("peel-cas", "caseworker2@peel.demo", "wongsakul-ploy", "วงศ์สกุล Wongsakul", "พลอย Ploy", _years_ago(16, 300),
     "Thailand", "Thailand", StatusInCanada.permanent_resident, CareStatus.extended_society_care, "Thai", ""),
    ("peel-cas", "caseworker@peel.demo", "ahmed-yusuf", "Ahmed", "Yusuf Abdirahman", _years_ago(15, 70), "Somalia",
     "Somalia", StatusInCanada.refugee_claimant, CareStatus.in_care, "Somali", ""),
    ("peel-cas", "caseworker2@peel.demo", "joseph-stanley", "Joseph", "Stanley", _years_ago(19, 150), "Jamaica",
     "Jamaica", StatusInCanada.no_status, CareStatus.extended_society_care, "English", ""),
    ("peel-cas", "caseworker@peel.demo", "papadopoulou-eleni", "Παπαδοπούλου Papadopoulou", "Ελένη Eleni",
     _years_ago(13, 12), "Greece", "Greece", StatusInCanada.permanent_resident, CareStatus.in_care, "Greek", ""),
    # One name only, as on the person's documents: it goes in the family name, as IRCC asks.
    ("peel-cas", "caseworker2@peel.demo", "hamid", "Hamid حمید", "", _years_ago(16, 90), "Afghanistan", "Afghanistan",
     StatusInCanada.protected_person, CareStatus.in_care, "Pashto", ""),
    ("jhs-ccms", "caseworker@jhs.demo", "boateng-yaw", "Boateng", "Yaw", _years_ago(36, 200), "Ghana", "Ghana",
     StatusInCanada.no_status, CareStatus.not_in_care, "Twi", ""),
    ("jhs-ccms", "caseworker@jhs.demo", "rodriguez-luis", "Rodríguez", "Luis Miguel", _years_ago(22, 45), "El Salvador",
     "El Salvador", StatusInCanada.no_status, CareStatus.former_crown_ward, "Spanish", ""),
    ("jhs-ccms", "caseworker@jhs.demo", "ali-fatima", "Ali علي", "Fatima فاطمة", _years_ago(33, 280), "Iraq", "Iraq",
     StatusInCanada.refugee_claimant, CareStatus.not_in_care, "Arabic", ""),
    ("jhs-ccms", "caseworker@jhs.demo", "zhang-hui", "张 Zhang", "慧 Hui", _years_ago(28, 100), "China", "China",
     StatusInCanada.no_status, CareStatus.not_in_care, "Mandarin", ""),
]

# Court-ordered care, as (age at start in years, extra months, age at end or None while in force, extra months, order).
CARE = {
    "alvarez-mateo": [(9, 0, 9, 6, "interim_society_care"), (9, 6, None, 0, "extended_society_care")],
    "alvarez-tomas": [(11, 0, 11, 6, "interim_society_care"), (11, 6, None, 0, "extended_society_care")],
    "haddad-amira": [(9, 2, None, 0, "extended_society_care")],
    "liang-wei": [(12, 0, None, 0, "extended_society_care")],
    "sharma-priya": [(9, 0, None, 0, "interim_society_care")],
    "okonkwo-daniel": [(7, 0, 18, 0, "crown_wardship")],
    # About four years of court-ordered care from age 14: the state-care PR pathway's example.
    "tesfaye-yohannes": [(14, 0, 14, 5, "interim_society_care"), (14, 5, 18, 0, "extended_society_care")],
    "ramirez-sofia": [(12, 3, None, 0, "extended_society_care")],
    "nguyen-minh": [(10, 0, None, 0, "extended_society_care")],
    "abdi-hodan": [(13, 6, None, 0, "extended_society_care")],
    "oconnor-aoife": [(8, 0, None, 0, "extended_society_care")],
    "rahimi-zahra": [(11, 0, None, 0, "interim_society_care")],
    "kim-jiwoo": [(7, 1, None, 0, "extended_society_care")],
    "mensah-ama": [(14, 0, None, 0, "extended_society_care")],
    "singh-harpreet": [(15, 2, None, 0, "interim_society_care")],
    "yilmaz-elif": [(12, 0, None, 0, "temporary_care_agreement")],
    "dubois-lea": [(13, 0, None, 0, "interim_society_care")],
    "cohen-noa": [(8, 6, None, 0, "extended_society_care")],
    "pereira-joao": [(14, 8, None, 0, "extended_society_care")],
    "fernandes-ana": [(13, 0, 18, 0, "crown_wardship")],
    "reyes-carlos": [(15, 0, 18, 0, "extended_society_care")],
    "tekle-selam": [(15, 0, None, 0, "extended_society_care")],
    "sivakumar-anjali": [(12, 0, None, 0, "extended_society_care")],
    "mohammadi-ali": [(15, 6, None, 0, "interim_society_care")],
    "santos-gabriela": [(13, 0, 13, 4, "interim_society_care"), (13, 4, None, 0, "extended_society_care")],
    "tran-bao": [(9, 0, None, 0, "customary_care")],
    "wongsakul-ploy": [(12, 0, None, 0, "extended_society_care")],
    "ahmed-yusuf": [(14, 0, None, 0, "interim_society_care")],
    "joseph-stanley": [(14, 0, None, 0, "extended_society_care")],
    "papadopoulou-eleni": [(10, 0, None, 0, "extended_society_care")],
    "hamid": [(15, 0, None, 0, "extended_society_care")],
    "rodriguez-luis": [(16, 0, 18, 0, "extended_society_care")],
}


def _at_age(born: date, years: int, months: int) -> date:
    month_index = born.month - 1 + months
    year, month = born.year + years + month_index // 12, month_index % 12 + 1
    try:
        return born.replace(year=year, month=month)
    except ValueError:  # the 29th to 31st in a shorter month
        return date(year, month, 28)


def care_periods(key: str, born: date) -> list[dict]:
    """The demo periods of one client as ISO dates; never later than today."""
    periods = []
    for start_years, start_months, end_years, end_months, order in CARE.get(key, []):
        start = min(_at_age(born, start_years, start_months), TODAY)
        end = None if end_years is None else min(_at_age(born, end_years, end_months), TODAY)
        periods.append({"start": start.isoformat(), "end": end.isoformat() if end else None, "order": order})
    return periods


def seed(session: Session, context: dict) -> None:
    agencies = {}
    for spec in AGENCIES:
        agency = session.exec(select(Agency).where(Agency.slug == spec["slug"])).first()
        if agency is None:
            agency = Agency(**spec)
            session.add(agency)
            session.flush()
        agencies[spec["slug"]] = agency
    users = {}
    for slug, email, name, role in USERS:
        user = session.exec(select(User).where(User.email == email)).first()
        if user is None:
            user = create_user(
                session, agency_id=agencies[slug].id, email=email, name=name, role=role, password=context["password"]
            )
        users[email] = user
    clients = {}
    for slug, worker, key, family, given, dob, country, citizenships, status, care, language, other in CLIENTS:
        agency = agencies[slug]
        client = session.exec(
            select(Client).where(Client.agency_id == agency.id, Client.family_name == family,
                                 Client.given_names == given)
        ).first()
        if client is None:
            client = Client(
                agency_id=agency.id, family_name=family, given_names=given, other_names=other, date_of_birth=dob,
                country_of_birth=country, citizenships=citizenships, status_in_canada=status, care_status=care,
                preferred_language=language, assigned_caseworker_id=users[worker].id,
                address="100 Queen Street West, Toronto ON M5H 2N2" if slug == "jhs-ccms" else "",
                care_periods=care_periods(key, dob),
            )
            refresh_search_name(client)
            session.add(client)
            session.flush()
        if not client.care_periods and CARE.get(key):
            client.care_periods = care_periods(key, client.date_of_birth)  # files seeded before periods existed
        clients[key] = client
    youth_email = "youth@peel.demo"
    if session.exec(select(User).where(User.email == youth_email)).first() is None:
        create_user(
            session, agency_id=agencies["peel-cas"].id, email=youth_email, name="Liang Wei", role=Role.youth,
            password=context["password"], client_id=clients["liang-wei"].id,
        )
    context.update(agencies=agencies, users=users, clients=clients)
