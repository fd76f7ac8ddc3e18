"""The views, one module per blueprint: each parses the request, calls the domain, renders a page or a block."""
from portal.blueprints import (
                                            account,
                                            admin,
                                            audit_log,
                                            auth,
                                            clients,
                                            dashboard,
                                            directory,
                                            documents,
                                            home,
                                            packets,
                                            privacy,
                                            referrals,
                                            review,
                                            submission,
                                            youth,
)

BLUEPRINTS = tuple(module.bp for module in (auth, account, home, clients, audit_log, admin, packets, documents, review,
                                            dashboard, youth, referrals, directory, submission, privacy))
