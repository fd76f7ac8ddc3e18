"""Client files: the domain functions behind the clients pages."""
import unicodedata

from portal.models import Client


def fold(text: str) -> str:
    """Lower-case and strip accents so 'Sofia' finds 'Sofía' and 'alvarez' finds 'Álvarez'."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def refresh_search_name(client: Client) -> None:
    client.search_name = " ".join(fold(part) for part in (client.given_names, client.family_name, client.other_names) if part)
