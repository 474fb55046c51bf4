"""Turn the command line's folders into Django's settings: in code, never from a file a user could edit.

DEBUG is never on outside the tests: a traceback page would show the content and the settings."""

from __future__ import annotations

import secrets
from pathlib import Path

import django
from django.conf import settings

HERE = Path(__file__).resolve().parent
IDLE = 30 * 60  # seconds without a request before a session ends


def state_folder(out: Path) -> Path:
    """Accounts, sessions, history and the audit log: beside the output folder, never in content/ or dist/."""
    return Path(out).resolve().parent / "站点数据"


def _secret(state: Path) -> str:
    """The session signing key, made once per state folder and readable by its owner only."""
    path = state / "secret.key"
    if not path.exists():
        state.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50), encoding="ascii")
        path.chmod(0o600)
    return path.read_text(encoding="ascii").strip()


def configure(content: Path, out: Path, state: Path | None = None, *, debug: bool = False, jobs: int = 2,
              secure: bool = False) -> None:
    """Settings for one content folder and one output folder; `secure`: cookies only over HTTPS (behind a
    reverse proxy that says so in X-Forwarded-Proto)."""
    if settings.configured:
        return
    settings.configure(**values(content, out, state, debug=debug, jobs=jobs, secure=secure))
    django.setup()


def values(content: Path, out: Path, state: Path | None = None, *, debug: bool = False, jobs: int = 2,
           secure: bool = False) -> dict:
    """The settings `configure` applies (a test applies some of them to one request)."""
    state = Path(state or state_folder(out)).resolve()
    state.mkdir(parents=True, exist_ok=True)
    return dict(
        DEBUG=debug,
        SECRET_KEY=_secret(state),
        ALLOWED_HOSTS=["*"],  # the intranet's name is the deployment's; the reverse proxy checks it
        INSTALLED_APPS=["django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions",
                        "render.site.apps.Bureau"],
        MIDDLEWARE=["django.middleware.security.SecurityMiddleware",
                    "render.site.security.Headers",
                    "django.contrib.sessions.middleware.SessionMiddleware",
                    "django.middleware.common.CommonMiddleware",
                    "django.middleware.csrf.CsrfViewMiddleware",
                    "django.contrib.auth.middleware.AuthenticationMiddleware",
                    "django.middleware.clickjacking.XFrameOptionsMiddleware"],
        ROOT_URLCONF="render.site.urls",
        TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates", "DIRS": [HERE / "templates"],
                    "OPTIONS": {"context_processors": ["django.template.context_processors.request",
                                                       "django.contrib.auth.context_processors.auth"]}}],
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": state / "site.sqlite3",
                               "OPTIONS": {"timeout": 20}}},
        PASSWORD_HASHERS=["django.contrib.auth.hashers.Argon2PasswordHasher"],
        AUTH_PASSWORD_VALIDATORS=[
            {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
            {"NAME": "render.site.security.MinimumLength", "OPTIONS": {"min_length": 10}},
            {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
            {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"}],
        SESSION_COOKIE_AGE=IDLE, SESSION_SAVE_EVERY_REQUEST=True, SESSION_EXPIRE_AT_BROWSER_CLOSE=True,
        SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Strict", CSRF_COOKIE_SAMESITE="Strict",
        CSRF_COOKIE_HTTPONLY=True, SESSION_COOKIE_SECURE=secure, CSRF_COOKIE_SECURE=secure,
        SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https") if secure else None,
        SECURE_CONTENT_TYPE_NOSNIFF=True, SECURE_REFERRER_POLICY="same-origin", X_FRAME_OPTIONS="DENY",
        DATA_UPLOAD_MAX_MEMORY_SIZE=2 * 1024 * 1024, DATA_UPLOAD_MAX_NUMBER_FIELDS=4000,
        FILE_UPLOAD_HANDLERS=["render.site.uploads.Bounded"],
        LOGIN_URL="login", LOGIN_REDIRECT_URL="home",
        LANGUAGE_CODE="zh-hans", USE_I18N=True, TIME_ZONE="Asia/Shanghai", USE_TZ=True,
        LOGGING_CONFIG=None,
        MUBIAOBIAO={"content": Path(content).resolve(), "out": Path(out).resolve(), "state": state, "jobs": jobs},
    )


def migrate() -> None:
    """The database brought up to this program's models: on every start, so a fresh state folder just works."""
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
