"""The views, one module per blueprint: each parses the request, calls the domain, renders a page or a block."""
from portal.blueprints import (
                                            account,
                                            admin,
                                            audit_log,
                                            auth,
                                            clients,
                                            consultations,
                                            dashboard,
                                            directory,
                                            documents,
                                            home,
                                            language,
                                            library,
                                            packets,
                                            policy,
                                            privacy,
                                            records,
                                            referrals,
                                            review,
                                            sharing,
                                            submission,
                                            youth,
)

BLUEPRINTS = tuple(module.bp for module in (auth, account, home, clients, audit_log, admin, packets, documents, review,
                                            dashboard, youth, referrals, consultations, directory, library, sharing,
                                            policy, submission, records, privacy, language))
