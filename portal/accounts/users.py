"""Users: passwords (argon2) and the accounts themselves."""
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, func, select

from portal.models import Role, User

_hasher = PasswordHasher()
# Verifying against this keeps the timing the same whether or not the account exists.
_DUMMY_HASH = _hasher.hash("passage-no-such-account")


def use_fast_hashing() -> None:
    """Cheap argon2 parameters for the test suite only: thousands of sign-ins must not take minutes."""
    global _hasher, _DUMMY_HASH
    _hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    _DUMMY_HASH = _hasher.hash("passage-no-such-account")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_matches(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return False


def normalise_email(email: str) -> str:
    return email.strip().lower()


def create_user(
    session: Session, *, agency_id, email: str, name: str, role: str, password: str | None, client_id=None
) -> User:
    if role not in set(Role):
        raise ValueError(f"Unknown role {role!r}. Choose one of: {', '.join(Role)}.")
    email = normalise_email(email)
    if session.exec(select(func.count()).select_from(User).where(User.email == email)).one():
        raise ValueError(f"A user with the email {email} already exists.")
    user = User(
        agency_id=agency_id,
        email=email,
        name=name,
        role=role,
        password_hash=hash_password(password) if password else "",
        client_id=client_id,
    )
    session.add(user)
    session.flush()
    return user
