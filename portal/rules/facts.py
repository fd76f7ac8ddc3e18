"""The status packets' facts, read from portal/data/facts.toml through the shared facts loader.

Rules take these plain dicts, so tests can pass a table of values and the portal passes the file's.
"""
from datetime import date


def status_facts(on: date | None = None) -> dict:
    """Every value the status rules need, as in force on `on` (fees change by date)."""
    # Imported here, not at the top: portal.forms imports the packets, which import this module.
    from portal.forms import facts as shared

    on = on or date.today()

    def fee(key: str) -> float:
        return shared.fee(key, on).amount

    def cite(key: str) -> str:
        return shared.fee(key, on).cite()

    return {
        "work_permit": {
            "processing_fee": fee("wp_processing"),
            "holder_fee": fee("wp_open_holder"),
            "fees_effective": cite("wp_processing"),
            "designated_country_wait_days": shared.number("r206_designated_wait_days"),
        },
        "biometrics": {
            "fee": fee("biometrics_person"),
            "family_max": fee("biometrics_family_max"),
            "min_age": shared.number("biometrics_min_age"),
            "max_age": shared.number("biometrics_max_age"),
            "valid_years": shared.number("biometrics_valid_years"),
            "source": cite("biometrics_person"),
        },
        "state_care": {
            "opens": shared.a_date("state_care_pathway_opens"),
            "closes": shared.a_date("state_care_pathway_closes"),
            "arrival_before_age": shared.number("state_care_arrival_before_age"),
            "min_care_days": shared.number("state_care_min_care_days"),
            "residence_years": shared.number("state_care_residence_years"),
            "mailing_address": shared.code("state_care_mailing_address"),
        },
        "hc": {
            "principal": fee("hc_principal"),
            "spouse": fee("hc_spouse"),
            "child": fee("hc_child"),
            "rprf": fee("rprf"),
            "source": {key: cite(key) for key in ("hc_principal", "hc_spouse", "hc_child", "rprf")},
            "verify": {key: shared.fee(key, on).verify for key in ("hc_principal", "hc_spouse", "hc_child", "rprf")},
        },
        "pr_card": {"fee": fee("pr_card"), "source": cite("pr_card"),
                    "residency_days": shared.number("pr_residency_days")},
        "vos": {"fee": fee("vos"), "source": cite("vos")},
        "dependent_child_age": shared.number("dependent_child_age"),
    }
