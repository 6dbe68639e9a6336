# awstest's moto launcher: runs moto 5.2.1's server after patching the places
# where moto differs from real AWS in ways awskeep's tests depend on. Each
# patch says what real AWS does and what the patch makes moto do. The
# patches reach into moto internals (pinned: moto 5.2.1); the Go tests in
# internal/awstest assert each behaviour, so a moto upgrade that breaks one
# fails loudly instead of silently weakening the suite.
#
# Run as: python3 launcher.py <moto_server args>   (awstest passes it with -c)
#
# Test-only control endpoints (under /moto-api/, never authenticated):
#   POST /moto-api/awstest/web-identity-token   {"token": "...", "role_arn": "", "error": "", "message": ""}
#   POST /moto-api/awstest/web-identity-strict  {"role_arn": "..."}
#   GET  /moto-api/awstest/sessions             every minted session, as JSON

import base64
import datetime
import hashlib
import hmac
import json
import struct
import sys
import threading
import time
import uuid
from xml.sax.saxutils import escape

from moto.core import exceptions as exc

# --- Patch 1: auth error XML --------------------------------------------------
# Real AWS: <ErrorResponse><Error><Type>Sender</Type><Code>..</Code>
# <Message>..</Message></Error><RequestId>..</RequestId></ErrorResponse>.
# moto 5.2.1 adds an <Errors> level (getmoto/moto#7641) that the Go SDK's
# awsquery decoder reads as "UnknownError". The patch writes the real shape
# for the three auth errors and for every error the patches below raise.


def _xml(code, message):
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        "<ErrorResponse><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error>"
        "<RequestId>%s</RequestId></ErrorResponse>"
    ) % (escape(code), escape(message), uuid.uuid4())


def _aws_shape(cls):
    original = cls.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        self.description = _xml(self.error_type, self.message)

    cls.__init__ = init


for _cls in (exc.InvalidClientTokenIdError, exc.SignatureDoesNotMatchError, exc.AccessDeniedError):
    _aws_shape(_cls)


class AWSError(exc._RESTError):
    """An error in the real query-protocol shape with an explicit HTTP status."""

    def __init__(self, code, message, status):
        super().__init__(code, message)
        self.code = status
        self.description = _xml(code, message)


def access_denied(message):
    return AWSError("AccessDenied", message, 403)


def validation_error(message):
    return AWSError("ValidationError", message, 400)


def invalid_client_token():
    return exc.InvalidClientTokenIdError()


from moto.core import authorization  # noqa: E402
from moto.iam import access_control as ac  # noqa: E402
from moto.iam import policy_conditions  # noqa: E402
from moto.iam import models as iam_models  # noqa: E402
from moto.iam.models import iam_backends  # noqa: E402
from moto.sts import models as sts_models  # noqa: E402
from moto.sts import responses as sts_responses  # noqa: E402
from moto.sts.models import sts_backends  # noqa: E402
from moto.sts.utils import random_session_token  # noqa: E402

PARTITION = "aws"
CHAIN_LIMIT_MESSAGE = (
    "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining."
)
MAX_SESSION_MESSAGE = "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."
MFA_INVALID_CODE = "MultiFactorAuthentication failed with invalid MFA one time pass code."
MFA_UNKNOWN_DEVICE = (
    "MultiFactorAuthentication failed, unable to validate MFA code. "
    "Please verify your MFA serial number is valid and associated with this user."
)

# --- TOTP (RFC 6238: HMAC-SHA1, 30 s steps, 6 digits) -----------------------


def totp(seed, step):
    key = base64.b32decode(seed + "=" * (-len(seed) % 8), casefold=True)
    digest = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1000000
    return "%06d" % value


def totp_ok(seed, code):
    # One step either side, as authenticator apps and AWS tolerate clock skew.
    now = int(time.time()) // 30
    return any(hmac.compare_digest(totp(seed, now + d), code or "") for d in (-1, 0, 1))


# --- Sessions minted by the patches ---------------------------------------------

_lock = threading.Lock()
SESSIONS = {}  # access key id -> Session (GetSessionToken and GetFederationToken)
MFA_ROLE_KEYS = set()  # access key ids of AssumeRole sessions that carry MFA
_local = threading.local()


class Session:
    def __init__(self, kind, account_id, user, duration, mfa, name=None, policies=None):
        self.kind = kind  # "user" (GetSessionToken) or "federated" (GetFederationToken)
        self.account_id = account_id
        self.user_name = user.name
        self.user_arn = user.arn
        self.user_id = user.id
        self.mfa = mfa
        self.name = name
        self.policies = policies or []  # session policies (federated): JSON documents
        key = iam_backends[account_id][PARTITION].create_temp_access_key()
        self.access_key_id = key.access_key_id
        self.secret_access_key = key.secret_access_key
        self.session_token = random_session_token()
        self.expiration = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None) + datetime.timedelta(
            seconds=duration
        )

    @property
    def arn(self):
        if self.kind == "federated":
            return "arn:%s:sts::%s:federated-user/%s" % (PARTITION, self.account_id, self.name)
        return self.user_arn

    @property
    def caller_user_id(self):
        if self.kind == "federated":
            return "%s:%s" % (self.account_id, self.name)
        return self.user_id

    def credentials(self):
        return {
            "AccessKeyId": self.access_key_id,
            "SecretAccessKey": self.secret_access_key,
            "SessionToken": self.session_token,
            "Expiration": self.expiration,
        }

    def summary(self):
        return {
            "AccessKeyId": self.access_key_id,
            "Kind": self.kind,
            "UserName": self.user_name,
            "Arn": self.arn,
            "MFA": self.mfa,
            "Expiration": self.expiration.isoformat() + "Z",
        }


def caller_of(response):
    """Who signed this STS request: ("user", User), ("session", Session),
    ("role", AssumedRole) or (None, None) for an unknown key."""
    key_id = response.get_access_key()
    account = response.current_account
    session = SESSIONS.get(key_id)
    if session is not None:
        return "session", session
    for role in sts_backends[account][PARTITION].assumed_roles:
        if role.access_key_id == key_id:
            return "role", role
    user = iam_backends[account][PARTITION].get_user_from_access_key_id(key_id)
    if user is not None:
        return "user", user
    return None, None


def check_mfa(account_id, user_name, serial, code):
    """Real STS checks TokenCode against the MFA device named by SerialNumber,
    which must be assigned to the calling user. moto checked nothing."""
    device = iam_backends[account_id][PARTITION].virtual_mfa_devices.get(serial)
    if device is None or device.user is None or device.user.name != user_name:
        raise access_denied(MFA_UNKNOWN_DEVICE)
    if not totp_ok(device.base32_string_seed, code):
        raise access_denied(MFA_INVALID_CODE)


def refuse_session_caller(kind, action):
    if kind in ("session", "role"):
        raise access_denied("Cannot call %s with session credentials" % action)


# --- Patch 2: GetSessionToken ---------------------------------------------------
# Real STS: mints new temporary credentials for the calling IAM user, with the
# user's permissions; checks TokenCode as a TOTP code of the user's MFA
# device (wrong code: AccessDenied); refuses session credentials as caller.
# moto: returned fixed example credentials its own auth rejects, checked no
# code. Patched: mints a tracked ASIA key for the user (as moto's AssumeRole
# does); with auth off and an unknown caller it keeps moto's stock answer.

_stock_get_session_token = sts_responses.TokenResponse.get_session_token


def get_session_token(self):
    kind, caller = caller_of(self)
    refuse_session_caller(kind, "GetSessionToken")
    if kind != "user":
        return _stock_get_session_token(self)
    serial = self._get_param("SerialNumber")
    code = self._get_param("TokenCode")
    mfa = False
    if serial or code:
        check_mfa(self.current_account, caller.name, serial, code)
        mfa = True
    duration = self._get_int_param("DurationSeconds", 43200)
    session = Session("user", self.current_account, caller, duration, mfa)
    with _lock:
        SESSIONS[session.access_key_id] = session
    return sts_responses.ActionResult({"Credentials": session.credentials()})


sts_responses.TokenResponse.get_session_token = get_session_token


# --- Patch 3: GetFederationToken -------------------------------------------------
# Real STS: only an IAM user's long-term key may call it (session credentials:
# AccessDenied "Cannot call GetFederationToken with session credentials"); the
# federated user's permissions are the intersection of the user's policies and
# the session policies passed (none passed: no permissions); GetCallerIdentity
# shows arn:aws:sts::ACCOUNT:federated-user/NAME. moto: fixed example keys its
# auth rejects, any caller. Patched: mints a tracked ASIA key as above.

_stock_get_federation_token = sts_responses.TokenResponse.get_federation_token


def get_federation_token(self):
    kind, caller = caller_of(self)
    refuse_session_caller(kind, "GetFederationToken")
    if kind != "user":
        return _stock_get_federation_token(self)
    name = self._get_param("Name")
    policies = []
    policy = self._get_param("Policy")
    if policy:
        if len(policy) > 2048:
            return _stock_get_federation_token(self)  # moto's own length error
        policies.append(policy)
    iam_backend = iam_backends[self.current_account][PARTITION]
    for key, values in self.querystring.items():
        if key.startswith("PolicyArns.member.") and key.endswith(".arn"):
            for arn in values:
                try:
                    managed = iam_backend.get_policy(arn)
                except Exception:
                    raise validation_error("Policy %s does not exist or is not attachable." % arn)
                policies.append(json.dumps(ac.IAMPolicy(managed)._policy_json))
    duration = self._get_int_param("DurationSeconds", 43200)
    session = Session("federated", self.current_account, caller, duration, False, name=name, policies=policies)
    with _lock:
        SESSIONS[session.access_key_id] = session
    return sts_responses.ActionResult(
        {
            "Credentials": session.credentials(),
            "FederatedUser": {"FederatedUserId": session.caller_user_id, "Arn": session.arn},
            "PackedPolicySize": 6,
        }
    )


sts_responses.TokenResponse.get_federation_token = get_federation_token


# --- Patch 4: AssumeRole -----------------------------------------------------------
# Real STS: AssumeRole signed by temporary credentials (role chaining) may
# last at most 1 h: ValidationError "The requested DurationSeconds exceeds
# the 1 hour session limit for roles assumed by role chaining."; more than
# the role's MaxSessionDuration: ValidationError; SerialNumber/TokenCode are
# checked like GetSessionToken's; the session carries MFA when the code was
# valid or the caller's session had MFA. GetSessionToken credentials count
# as a chain too (real STS gives the same ValidationError for them; tools
# such as aws-vault and aws-runas assume long roles straight from the
# long-term key for that reason). moto: none of this. Patched: all of it.

_stock_assume_role = sts_responses.TokenResponse.assume_role
_stock_backend_assume_role = sts_models.STSBackend.assume_role


def assume_role(self):
    kind, caller = caller_of(self)
    duration = self._get_int_param("DurationSeconds", 3600)
    if kind in ("session", "role") and duration > 3600:
        raise validation_error(CHAIN_LIMIT_MESSAGE)
    role_arn = self._get_param("RoleArn") or ""
    try:
        role = iam_backends[self.current_account][PARTITION].get_role_by_arn(role_arn)
    except Exception:
        role = None
    if role is not None and duration > int(role.max_session_duration or 3600):
        raise validation_error(MAX_SESSION_MESSAGE)
    serial = self._get_param("SerialNumber")
    code = self._get_param("TokenCode")
    mfa = False
    if serial or code:
        if kind == "user":
            check_mfa(self.current_account, caller.name, serial, code)
        elif kind == "session" and caller.kind == "user":
            check_mfa(self.current_account, caller.user_name, serial, code)
        elif kind is not None:
            raise access_denied(MFA_UNKNOWN_DEVICE)
        mfa = True
    if kind == "session" and caller.mfa:
        mfa = True
    if kind == "role" and caller.access_key_id in MFA_ROLE_KEYS:
        mfa = True
    _local.mfa = mfa
    try:
        return _stock_assume_role(self)
    finally:
        _local.mfa = False


def backend_assume_role(self, *args, **kwargs):
    assumed = _stock_backend_assume_role(self, *args, **kwargs)
    if getattr(_local, "mfa", False):
        MFA_ROLE_KEYS.add(assumed.access_key_id)
    return assumed


sts_responses.TokenResponse.assume_role = assume_role
sts_models.STSBackend.assume_role = backend_assume_role


# --- Patch 5: GetCallerIdentity and IAM's "who am I" for minted sessions -------------

_stock_caller_identity = sts_models.STSBackend.get_caller_identity


def get_caller_identity(self, access_key_id, region):
    session = SESSIONS.get(access_key_id)
    if session is not None:
        return session.caller_user_id, session.arn, session.account_id
    return _stock_caller_identity(self, access_key_id, region)


sts_models.STSBackend.get_caller_identity = get_caller_identity

_stock_user_from_key = iam_models.IAMBackend.get_user_from_access_key_id


def get_user_from_access_key_id(self, access_key_id):
    session = SESSIONS.get(access_key_id)
    if session is not None and session.kind == "user":
        return self.users.get(session.user_name)
    return _stock_user_from_key(self, access_key_id)


iam_models.IAMBackend.get_user_from_access_key_id = get_user_from_access_key_id


# --- Patch 6: authentication of minted sessions, inactive keys -----------------------
# Real AWS: an Inactive access key is refused like a deleted one
# (InvalidClientTokenId); moto accepted it. Temporary credentials are
# accepted with their exact session token. Patched: both.


class SessionAccessKey(ac.IAMUserAccessKey):
    """A GetSessionToken / GetFederationToken key as moto's auth sees it:
    the user's policies, the session's principal."""

    def __init__(self, account_id, partition, session, headers):
        self.account_id = account_id
        self.partition = partition
        self.session = session
        self._owner_user_name = session.user_name
        self._access_key_id = session.access_key_id
        self._secret_access_key = session.secret_access_key
        self._session_token = session.session_token
        if headers.get("X-Amz-Security-Token") != session.session_token:
            raise ac.CreateAccessKeyFailure(reason="InvalidToken")

    @property
    def arn(self):
        return self.session.arn

    def create_credentials(self):
        return ac.Credentials(self._access_key_id, self._secret_access_key, self._session_token)


_stock_create_access_key = ac.create_access_key


def create_access_key(account_id, partition, access_key_id, headers):
    session = SESSIONS.get(access_key_id)
    if session is not None:
        return SessionAccessKey(account_id, partition, session, headers)
    return _stock_create_access_key(account_id, partition, access_key_id, headers)


ac.create_access_key = create_access_key

_stock_user_key_init = ac.IAMUserAccessKey.__init__


def user_key_init(self, account_id, partition, access_key_id, headers):
    _stock_user_key_init(self, account_id, partition, access_key_id, headers)
    for key in self.backend.get_user(self._owner_user_name).access_keys:
        if key.access_key_id == access_key_id and key.status != "Active":
            raise ac.CreateAccessKeyFailure(reason="InvalidId")


ac.IAMUserAccessKey.__init__ = user_key_init


# --- Patch 7: what session credentials may call --------------------------------------
# Real AWS: GetSessionToken credentials may call IAM only when the session
# was made with MFA (otherwise IAM answers InvalidClientTokenId) and, of STS,
# only AssumeRole and GetCallerIdentity; federated-user credentials may call
# no IAM action and, of STS, only GetCallerIdentity, and their permissions
# are the intersection of the user's and the session policies.

_stock_check_action = ac.IAMRequestBase.check_action_permitted
STS_FOR_USER_SESSIONS = ("sts:AssumeRole", "sts:GetCallerIdentity")


def check_action_permitted(self, resource):
    key = self._access_key
    if isinstance(key, SessionAccessKey):
        session = key.session
        service, _, action_name = self._action.partition(":")
        if service == "sts" and self._action != "sts:GetCallerIdentity":
            if action_name in ("GetSessionToken", "GetFederationToken"):
                raise access_denied("Cannot call %s with session credentials" % action_name)
            if session.kind == "federated" or self._action not in STS_FOR_USER_SESSIONS:
                self._raise_access_denied()
        if service == "iam":
            if session.kind == "federated":
                self._raise_access_denied()
            if not session.mfa:
                raise invalid_client_token()
        _stock_check_action(self, resource)
        if session.kind == "federated" and self._action != "sts:GetCallerIdentity":
            allowed = False
            for doc in session.policies:
                result = ac.IAMPolicy(doc).is_action_permitted(self._action, resource)
                if result == ac.PermissionResult.DENIED:
                    self._raise_access_denied()
                if result == ac.PermissionResult.PERMITTED:
                    allowed = True
            if not allowed:
                self._raise_access_denied()
        return
    _stock_check_action(self, resource)


ac.IAMRequestBase.check_action_permitted = check_action_permitted


# --- Patch 8: aws:MultiFactorAuthPresent in trust policies ---------------------------
# Real AWS evaluates Bool conditions, and a request carries
# aws:MultiFactorAuthPresent=true when it was authenticated with MFA (an MFA
# session, or AssumeRole with SerialNumber/TokenCode). moto ignored Bool
# conditions. Patched: Bool/BoolIfExists are evaluated and the key is set.


def _bool_equals(expected, actual):
    values = expected if isinstance(expected, list) else [expected]
    return str(actual).lower() in [str(v).lower() for v in values]


policy_conditions.CONDITION_OPERATIONS["Bool"] = _bool_equals
policy_conditions.CONDITION_OPERATIONS["BoolIfExists"] = _bool_equals


def _check_role_trust_relationship(self, role_arn):
    values = ac.format_incoming_conditional_values(self._data)
    key = self._access_key
    mfa = "SerialNumber" in self._data and "TokenCode" in self._data
    if isinstance(key, SessionAccessKey) and key.session.mfa:
        mfa = True
    if isinstance(key, ac.AssumedRoleAccessKey) and key._access_key_id in MFA_ROLE_KEYS:
        mfa = True
    values["aws:MultiFactorAuthPresent"] = "true" if mfa else "false"
    role = self.backend.get_role_by_arn(role_arn)
    policy = ac.IAMPolicy(role.assume_role_policy_document)
    result = policy.is_action_permitted(self._action, role_arn, key.arn, values)
    return result == ac.PermissionResult.PERMITTED


ac.IAMRequestBase._check_role_trust_relationship = _check_role_trust_relationship


# --- Patch 9: EnableMFADevice checks its two codes -------------------------------------
# Real IAM: AuthenticationCode1 and 2 must be two consecutive codes of the
# device (InvalidAuthenticationCode otherwise). moto accepted any. Patched
# for virtual devices moto created.

_stock_enable_mfa = iam_models.IAMBackend.enable_mfa_device


def enable_mfa_device(self, user_name, serial_number, authentication_code_1, authentication_code_2):
    device = self.virtual_mfa_devices.get(serial_number)
    if device is not None:
        now = int(time.time()) // 30
        if not any(
            totp(device.base32_string_seed, s) == authentication_code_1
            and totp(device.base32_string_seed, s + 1) == authentication_code_2
            for s in range(now - 2, now + 1)
        ):
            raise AWSError("InvalidAuthenticationCode", "Authentication code for device is not valid.", 403)
    return _stock_enable_mfa(self, user_name, serial_number, authentication_code_1, authentication_code_2)


iam_models.IAMBackend.enable_mfa_device = enable_mfa_device


# --- Patch 10: AssumeRoleWithWebIdentity / AssumeRoleWithSAML --------------------------
# Real STS: these calls are unsigned (the token is the credential) and pass
# without a signature; the token is validated against the identity provider
# (ExpiredTokenException, InvalidIdentityToken, AccessDenied ...). moto
# crashed with HTTP 500 under enforced auth (no Authorization header) and
# validated nothing. Patched: they pass authentication; a token the test
# registered gets the registered outcome; a role marked strict accepts only
# tokens registered for it (others: InvalidIdentityToken).

_stock_authenticate = authorization.ActionAuthenticatorMixin._authenticate_and_authorize_action
UNSIGNED_ACTIONS = ("AssumeRoleWithWebIdentity", "AssumeRoleWithSAML")


def authenticate_and_authorize_action(self, iam_request_cls, resource="*"):
    if self._get_action() in UNSIGNED_ACTIONS and "Authorization" not in self.headers:
        return
    return _stock_authenticate(self, iam_request_cls, resource)


authorization.ActionAuthenticatorMixin._authenticate_and_authorize_action = authenticate_and_authorize_action

TOKENS = {}  # token -> {"role_arn": "", "error": "", "message": ""}
STRICT_ROLES = set()
TOKEN_ERRORS = {
    "ExpiredTokenException": (400, "Token expired: current date/time {now} must be before the expiration date/time {exp}"),
    "InvalidIdentityToken": (400, "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements"),
    "IDPRejectedClaim": (403, "Incorrect token audience"),
    "IDPCommunicationError": (400, "Couldn't connect to identity provider"),
    "AccessDenied": (403, "Not authorized to perform sts:AssumeRoleWithWebIdentity"),
}


def check_identity_token(token, role_arn):
    entry = TOKENS.get(token)
    if entry and entry.get("error"):
        code = entry["error"]
        status, message = TOKEN_ERRORS.get(code, (400, code))
        now = int(time.time())
        raise AWSError(code, entry.get("message") or message.format(now=now, exp=now - 60), status)
    if role_arn in STRICT_ROLES and (entry is None or entry.get("role_arn") not in ("", None, role_arn)):
        status, message = TOKEN_ERRORS["InvalidIdentityToken"]
        raise AWSError("InvalidIdentityToken", message, status)


_stock_web_identity = sts_responses.TokenResponse.assume_role_with_web_identity
_stock_saml = sts_responses.TokenResponse.assume_role_with_saml


def assume_role_with_web_identity(self):
    check_identity_token(self._get_param("WebIdentityToken") or "", self._get_param("RoleArn") or "")
    return _stock_web_identity(self)


def assume_role_with_saml(self):
    check_identity_token(self._get_param("SAMLAssertion") or "", self._get_param("RoleArn") or "")
    return _stock_saml(self)


sts_responses.TokenResponse.assume_role_with_web_identity = assume_role_with_web_identity
sts_responses.TokenResponse.assume_role_with_saml = assume_role_with_saml


# --- Control endpoints ----------------------------------------------------------------


def _json_body(request):
    return json.loads((request.data or b"{}").decode() or "{}")


def register_token(request, full_url, headers):
    body = _json_body(request)
    with _lock:
        TOKENS[body["token"]] = {
            "role_arn": body.get("role_arn", ""),
            "error": body.get("error", ""),
            "message": body.get("message", ""),
        }
    return 200, {}, json.dumps({"status": "ok"})


def strict_role(request, full_url, headers):
    body = _json_body(request)
    with _lock:
        STRICT_ROLES.add(body["role_arn"])
    return 200, {}, json.dumps({"status": "ok"})


def list_sessions(request, full_url, headers):
    with _lock:
        data = [s.summary() for s in SESSIONS.values()]
    return 200, {}, json.dumps(data)


from moto.moto_api._internal import urls as moto_api_urls  # noqa: E402

moto_api_urls.url_paths["{0}/moto-api/awstest/web-identity-token"] = register_token
moto_api_urls.url_paths["{0}/moto-api/awstest/web-identity-strict"] = strict_role
moto_api_urls.url_paths["{0}/moto-api/awstest/sessions"] = list_sessions

if __name__ == "__main__":
    from moto.server import main

    main(sys.argv[1:])
