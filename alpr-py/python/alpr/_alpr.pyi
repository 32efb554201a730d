"""Type stubs of the extension module ``alpr._alpr`` (hand-written; checked by stubtest)."""

import datetime
import datetime as _dt
import os
from typing import Any, Callable, Literal, Mapping, Protocol, Sequence, final, overload

import pyarrow  # type: ignore[import-untyped]  # (no py.typed: pyarrow.Table is Any to mypy)
from typing_extensions import Self, TypeAlias

from alpr._results import HitList

# ``progress=``: True for a tqdm bar (when tqdm is installed), or ``f(done, total)``.
_Progress: TypeAlias = bool | Callable[[int, int], object] | None

__version__: str

class _BinaryReader(Protocol):
    def read(self, /) -> bytes: ...

class _TextReader(Protocol):
    def read(self, /) -> str: ...

_FileSource = bytes | bytearray | memoryview | _BinaryReader | _TextReader | str | os.PathLike[str]

class AlprError(Exception):
    code: str
    position: dict[str, int]

class InvalidPlateError(AlprError): ...
class HotListError(AlprError): ...
class HitWorkflowError(AlprError): ...
class AccessError(AlprError): ...
class RecordsError(AlprError): ...
class PolicyError(AlprError): ...

# Leaf exceptions, one per code of the core's table, with their built-in bases (registered at
# import; stubtest checks this list against the module, tests/test_types.py against the table).
# BEGIN GENERATED leaf exceptions (alpr-py/tools/gen_errors.py; do not edit)
class EmptyError(InvalidPlateError, ValueError): ...
class InvalidCharacterError(InvalidPlateError, ValueError): ...
class TooLongError(InvalidPlateError, ValueError): ...
class InvalidJurisdictionError(InvalidPlateError, ValueError): ...
class InvalidPlateTypeError(InvalidPlateError, ValueError): ...
class PlaceholderPlateError(InvalidPlateError, ValueError): ...
class PatternNotAllowedError(HotListError, ValueError): ...
class PatternTooBroadError(HotListError, ValueError): ...
class InvalidPatternError(HotListError, ValueError): ...
class InvalidDateError(HotListError, ValueError): ...
class InvalidCategoryError(HotListError, ValueError): ...
class CategoryForbiddenError(HotListError, ValueError): ...
class TooManyRejectedError(HotListError, ValueError):
    rejected: list[dict[str, int | str]]
    report: LoadReport
class MissingColumnError(HotListError, ValueError): ...
class RecordCountMismatchError(HotListError, ValueError): ...
class TruncatedFileError(HotListError, ValueError): ...
class ShortRecordError(HotListError, ValueError): ...
class InvalidUtf8Error(HotListError, ValueError): ...
class EmptyFileError(HotListError, ValueError): ...
class InvalidHeaderError(HotListError, ValueError): ...
class LineTooLongError(HotListError, ValueError): ...
class InvalidFieldError(HotListError, ValueError): ...
class FormulaInjectionError(HotListError, ValueError): ...
class UnknownListError(HotListError, KeyError): ...
class NoRecordsError(HotListError, ValueError): ...
class InvalidTransitionError(HitWorkflowError, ValueError): ...
class NotAcknowledgedError(HitWorkflowError, ValueError): ...
class ConfirmationRequiredError(HitWorkflowError, ValueError): ...
class IndependentBasisRequiredError(HitWorkflowError, ValueError): ...
class InformationalOnlyError(HitWorkflowError, ValueError): ...
class MdcQueryBeforeBroadcastError(HitWorkflowError, ValueError): ...
class ExpiryMissingError(HitWorkflowError, ValueError): ...
class ExpiryBeforeEntryError(HitWorkflowError, ValueError): ...
class ExpiryExceeds30DaysError(HitWorkflowError, ValueError): ...
class ExpiryExceeds24HoursError(HitWorkflowError, ValueError): ...
class MissingOfficerNameError(HitWorkflowError, ValueError): ...
class MissingContactPhoneError(HitWorkflowError, ValueError): ...
class MissingCaseNumberError(HitWorkflowError, ValueError): ...
class MissingSynopsisError(HitWorkflowError, ValueError): ...
class MissingJurisdictionError(HitWorkflowError, ValueError): ...
class HitClosedError(HitWorkflowError, ValueError): ...
class AccountInactiveError(AccessError, PermissionError): ...
class NotTrainedError(AccessError, PermissionError): ...
class TrainingExpiredError(AccessError, PermissionError): ...
class NoClearanceError(AccessError, PermissionError): ...
class ActionNotPermittedError(AccessError, PermissionError): ...
class PurposeRequiredError(AccessError, PermissionError): ...
class PurposeNotPermittedError(AccessError, PermissionError): ...
class CaseNumberRequiredError(AccessError, PermissionError): ...
class ApprovalRequiredError(AccessError, PermissionError): ...
class AccessDeniedError(AccessError, PermissionError): ...
class RecipientNotPermittedError(AccessError, PermissionError): ...
class NeedsApprovalError(AccessError, PermissionError): ...
class AuditWriteFailedError(AccessError, OSError): ...
class AuditChainBrokenError(AccessError, ValueError): ...
class AuditTruncatedError(AccessError, ValueError): ...
class AuditTornRecordError(AccessError, ValueError): ...
class TimeRegressionError(AccessError, ValueError): ...
class AuditLockedError(AccessError, ValueError): ...
class AuditFileChangedError(AccessError, ValueError): ...
class MissingCitizenNameError(RecordsError, ValueError): ...
class MissingContactError(RecordsError, ValueError): ...
class MissingDescriptionError(RecordsError, ValueError): ...
class InvalidArgumentError(PolicyError, ValueError): ...
class InvalidPolicyError(PolicyError, ValueError): ...
class IoError(PolicyError, OSError): ...
# END GENERATED leaf exceptions

__all__ = [
    "jurisdiction",
    "normalize",
    "normalize_ex",
    "codes",
    "set_display",
    "get_display",
    "mask_plate",
    "conformance_check",
    "Policy",
    "LoadReport",
    "Registry",
    "Hit",
    "damaged_equipment",
    "inspection",
    "public_records_request",
    "shift_start",
    "validate_hot_plate",
    "AuditLog",
    "AuditReport",
    "PurgePlan",
    "access_review_json",
    "decide_access_json",
    "decide_sharing_json",
    "purge_plan",
    "DetectionStore",
    "ExternalGrant",
    "ShippedLists",
    "Agency",
    "HitCase",
    "MatchHit",
    "__version__",
    "AlprError",
    "InvalidPlateError",
    "HotListError",
    "HitWorkflowError",
    "AccessError",
    "RecordsError",
    "PolicyError",
    "EmptyError",
    "InvalidCharacterError",
    "TooLongError",
    "InvalidJurisdictionError",
    "InvalidPlateTypeError",
    "PlaceholderPlateError",
    "PatternNotAllowedError",
    "PatternTooBroadError",
    "InvalidPatternError",
    "InvalidDateError",
    "InvalidCategoryError",
    "CategoryForbiddenError",
    "TooManyRejectedError",
    "MissingColumnError",
    "RecordCountMismatchError",
    "TruncatedFileError",
    "ShortRecordError",
    "InvalidUtf8Error",
    "EmptyFileError",
    "InvalidHeaderError",
    "LineTooLongError",
    "InvalidFieldError",
    "FormulaInjectionError",
    "UnknownListError",
    "NoRecordsError",
    "InvalidTransitionError",
    "NotAcknowledgedError",
    "ConfirmationRequiredError",
    "IndependentBasisRequiredError",
    "InformationalOnlyError",
    "MdcQueryBeforeBroadcastError",
    "ExpiryMissingError",
    "ExpiryBeforeEntryError",
    "ExpiryExceeds30DaysError",
    "ExpiryExceeds24HoursError",
    "MissingOfficerNameError",
    "MissingContactPhoneError",
    "MissingCaseNumberError",
    "MissingSynopsisError",
    "MissingJurisdictionError",
    "HitClosedError",
    "AccountInactiveError",
    "NotTrainedError",
    "TrainingExpiredError",
    "NoClearanceError",
    "ActionNotPermittedError",
    "PurposeRequiredError",
    "PurposeNotPermittedError",
    "CaseNumberRequiredError",
    "ApprovalRequiredError",
    "AccessDeniedError",
    "RecipientNotPermittedError",
    "NeedsApprovalError",
    "AuditWriteFailedError",
    "AuditChainBrokenError",
    "AuditTruncatedError",
    "AuditTornRecordError",
    "TimeRegressionError",
    "AuditLockedError",
    "AuditFileChangedError",
    "MissingCitizenNameError",
    "MissingContactError",
    "MissingDescriptionError",
    "InvalidArgumentError",
    "InvalidPolicyError",
    "IoError",
]

def normalize(raw: str) -> str: ...
def normalize_ex(raw: str) -> tuple[str, bool]: ...
def jurisdiction(raw: str) -> str: ...
def codes() -> list[tuple[int, str, type[AlprError]]]: ...
def set_display(*, mask_plates: bool | None = None) -> dict[str, bool]: ...
def get_display() -> dict[str, bool]: ...
def mask_plate(text: str) -> str: ...
def conformance_check(suite: str, case_json: str, answer_json: str) -> str | None: ...

@final
class Policy:
    def __new__(cls) -> Self: ...
    @staticmethod
    def from_toml(text: str) -> Policy: ...
    @staticmethod
    def from_json(text: str) -> Policy: ...
    def with_overrides(self, overrides_json: str) -> Policy: ...
    def to_toml(self) -> str: ...
    def to_json(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def time_zone(self) -> str: ...
    def check(self) -> list[dict[str, str]]: ...
    def __reduce__(self) -> tuple[Callable[[str], Policy], tuple[str]]: ...

@final
class Registry:
    def __new__(cls, policy: Policy | None = None) -> Self: ...
    @property
    def policy(self) -> Policy: ...
    def list_ids(self) -> list[str]: ...
    def __len__(self) -> int: ...
    def load_list(self, list: dict[str, object] | str, *, progress: _Progress = None) -> LoadReport: ...
    def _repr_html_(self) -> str: ...
    def to_bytes(self) -> bytes: ...
    @staticmethod
    def from_bytes(data: bytes) -> Registry: ...
    def __reduce__(self) -> tuple[Callable[[bytes], Registry], tuple[bytes]]: ...
    def load_file(
        self,
        path_or_bytes: _FileSource,
        format: str,
        *,
        id: str,
        kind: str,
        priority: int,
        loaded_at: datetime.datetime,
        category: str | None = None,
        source: str = ...,
        progress: _Progress = None,
        threads: int | None = None,
    ) -> LoadReport: ...
    def load_table(
        self,
        data: Any,
        *,
        id: str,
        kind: str,
        priority: int,
        loaded_at: datetime.datetime,
        category: str | None = None,
        source: str = ...,
        columns: Mapping[str, str] | None = None,
        progress: _Progress = None,
        threads: int | None = None,
    ) -> LoadReport: ...
    def entries(self, id: str) -> list[dict[str, object]]: ...
    def health(self, now: datetime.datetime) -> list[dict[str, object]]: ...
    def check_policy(self) -> list[dict[str, str]]: ...
    def match(
        self,
        plate: str,
        *,
        jurisdiction: str | None = None,
        plate_type: str | None = None,
        observed_at: datetime.datetime,
        origin: str = "vehicle",
        now: datetime.datetime,
    ) -> list[MatchHit]: ...
    @overload
    def match_batch(
        self,
        data: Sequence[str | None] | Any,
        *,
        plate: str = "plate",
        jurisdiction: str | Sequence[str | None] | Any | None = None,
        plate_type: str | Sequence[str | None] | Any | None = None,
        observed_at: str | datetime.datetime | Sequence[datetime.datetime | None] | Any,
        origin: str = "vehicle",
        now: datetime.datetime,
        on_error: str = "raise",
        as_table: Literal[False] = False,
        progress: _Progress = None,
    ) -> HitList: ...
    @overload
    def match_batch(
        self,
        data: Sequence[str | None] | Any,
        *,
        plate: str = "plate",
        jurisdiction: str | Sequence[str | None] | Any | None = None,
        plate_type: str | Sequence[str | None] | Any | None = None,
        observed_at: str | datetime.datetime | Sequence[datetime.datetime | None] | Any,
        origin: str = "vehicle",
        now: datetime.datetime,
        on_error: str = "raise",
        as_table: Literal[True],
        progress: _Progress = None,
    ) -> pyarrow.Table: ...
    @overload
    def match_batch(
        self,
        data: Sequence[str | None] | Any,
        *,
        plate: str = "plate",
        jurisdiction: str | Sequence[str | None] | Any | None = None,
        plate_type: str | Sequence[str | None] | Any | None = None,
        observed_at: str | datetime.datetime | Sequence[datetime.datetime | None] | Any,
        origin: str = "vehicle",
        now: datetime.datetime,
        on_error: str = "raise",
        as_table: bool,
        progress: _Progress = None,
    ) -> HitList | pyarrow.Table: ...

@final
class MatchHit:
    def workflow(
        self,
        origin: str = "vehicle",
        *,
        observed_at: datetime.datetime | None = None,
        device_id: str | None = None,
        policy: Policy | None = None,
    ) -> Hit: ...
    @property
    def list(self) -> str: ...
    @property
    def list_kind(self) -> str: ...
    @property
    def priority(self) -> int: ...
    @property
    def entry(self) -> str: ...
    @property
    def entry_index(self) -> int: ...
    @property
    def kind(self) -> str: ...
    @property
    def positions(self) -> tuple[int, ...]: ...
    @property
    def jurisdiction(self) -> str: ...
    @property
    def plate_type_mismatch(self) -> bool: ...
    @property
    def stale(self) -> bool: ...
    @property
    def tier(self) -> str: ...
    @property
    def category(self) -> str: ...
    @property
    def list_age(self) -> datetime.timedelta: ...
    @property
    def read_index(self) -> int | None: ...
    def explain(self) -> dict[str, Any]: ...
    def __reduce__(self) -> tuple[Any, ...]: ...
    @staticmethod
    def _from_state(state: bytes) -> MatchHit: ...

@final
class LoadReport:
    @property
    def accepted(self) -> int: ...
    @property
    def merged(self) -> int: ...
    @property
    def rejected(self) -> list[dict[str, int | str]]: ...
    @property
    def generated_at(self) -> datetime.datetime | None: ...
    def __reduce__(self) -> tuple[Any, ...]: ...
    @staticmethod
    def _from_state(state: bytes) -> LoadReport: ...

@final
class Hit:
    def __new__(
        cls,
        list_kind: str,
        category: str,
        origin: str,
        *,
        policy: Policy | None = None,
        details: dict[str, Any] | None = None,
    ) -> Self: ...
    def acknowledge(self) -> None: ...
    def mdc_query(self) -> None: ...
    def broadcast(self) -> None: ...
    def confirm(
        self, record_active: bool, plate_verified: bool, jurisdiction_verified: bool, occupied: bool
    ) -> None: ...
    def reject(self, disposition: str) -> None: ...
    def record_basis(self) -> None: ...
    def stop(self) -> None: ...
    def close(self, outcome: str) -> None: ...
    @property
    def status(self) -> str: ...
    @property
    def disposition(self) -> str | None: ...
    @property
    def outcome(self) -> str | None: ...
    @property
    def violations(self) -> list[str]: ...
    @property
    def call_types(self) -> list[str]: ...
    @property
    def list_kind(self) -> str: ...
    @property
    def category(self) -> str: ...
    @property
    def origin(self) -> str: ...
    @property
    def requires_confirmation(self) -> bool: ...
    @property
    def basis_recorded(self) -> bool: ...
    def dispatch_packet(self) -> dict[str, Any]: ...
    def dispatch_packet_json(self) -> str: ...

def validate_hot_plate(
    plate: str | None = None,
    jurisdiction: str | None = None,
    entered_at: _dt.datetime | str | None = None,
    expires_at: _dt.datetime | str | None = None,
    distribution: int | str | None = None,
    also_entered_in: list[str] | None = None,
    officer_name: str | None = None,
    contact_phone: str | None = None,
    case_number: str | None = None,
    synopsis: str | None = None,
    plate_type: str | None = None,
    category: str | None = None,
    policy: Policy | None = None,
) -> list[str]: ...
def inspection(
    last_inspected: _dt.date | str, today: _dt.date | str, policy: Policy | None = None
) -> dict[str, Any]: ...
def shift_start(checks: dict[str, bool], policy: Policy | None = None) -> dict[str, Any]: ...
def damaged_equipment(vandalism: bool = False) -> dict[str, Any]: ...
def public_records_request(
    refused_referral: bool = False,
    name: str | None = None,
    phone: str | None = None,
    email: str | None = None,
    description: str | None = None,
    policy: Policy | None = None,
) -> dict[str, Any]: ...

@final
class DetectionStore:
    def __new__(
        cls,
        ids: Sequence[int] | Any,
        plates: Sequence[str | None] | Any,
        observed_at: Sequence[datetime.datetime] | Sequence[int] | Any,
        lat: Sequence[float] | Any,
        lon: Sequence[float] | Any,
        *,
        jurisdictions: Sequence[str | None] | Any | None = None,
        device_ids: Sequence[str | None] | Any | None = None,
        observed_at_unit: str | None = None,
        progress: _Progress = None,
    ) -> Self: ...
    @staticmethod
    def from_json(text: str) -> DetectionStore: ...
    @staticmethod
    def from_arrow(
        data: Any,
        *,
        id: str = "id",
        plate: str = "plate",
        observed_at: str = "observed_at",
        lat: str = "lat",
        lon: str = "lon",
        jurisdiction: str | None = None,
        device_id: str | None = None,
        observed_at_unit: str | None = None,
        progress: _Progress = None,
    ) -> DetectionStore: ...
    def __len__(self) -> int: ...
    def __reduce__(self) -> tuple[Any, ...]: ...
    @staticmethod
    def _from_state(state: bytes) -> DetectionStore: ...

@final
class PurgePlan:
    @property
    def due(self) -> list[int]: ...
    @property
    def held(self) -> list[int]: ...
    @property
    def eligible(self) -> list[int]: ...
    @property
    def next_due_at(self) -> datetime.datetime | None: ...
    def receipt(self, purged_at: datetime.datetime) -> dict[str, Any]: ...
    def __reduce__(self) -> tuple[Any, ...]: ...
    @staticmethod
    def _from_state(state: bytes) -> PurgePlan: ...

def purge_plan(
    records: Sequence[tuple[int, str, datetime.datetime]],
    holds: Sequence[int],
    now: datetime.datetime,
    policy: Policy | None = None,
) -> PurgePlan: ...
def decide_access_json(
    user_json: str, request_json: str, now: datetime.datetime, policy: Policy | None = None
) -> str: ...
def access_review_json(users_json: str, now: datetime.datetime, policy: Policy | None = None) -> str: ...
def decide_sharing_json(request_json: str, policy: Policy | None = None) -> str: ...

@final
class AuditReport:
    def to_dict(self) -> dict[str, Any]: ...
    def users_csv(self) -> str: ...
    def sample_csv(self) -> str: ...
    def users_table(self) -> Any: ...
    def sample_table(self) -> Any: ...
    def _repr_html_(self) -> str: ...
    def __reduce__(self) -> tuple[Any, ...]: ...
    @staticmethod
    def _from_state(state: bytes) -> AuditReport: ...

@final
class AuditLog:
    def __new__(cls) -> Self: ...
    @staticmethod
    def open_file(path: str | os.PathLike[str], *, key: bytes | None = None) -> AuditLog: ...
    @staticmethod
    def recover_file(
        path: str | os.PathLike[str],
        *,
        time: datetime.datetime,
        user: str,
        agency: str,
        key: bytes | None = None,
    ) -> tuple[AuditLog, dict[str, Any] | None]: ...
    def export_heads(self, every: int, callback: Callable[[tuple[int, str]], object] | None) -> None: ...
    def append(
        self,
        time: datetime.datetime,
        user: str,
        agency: str,
        action: str,
        outcome: str,
        *,
        purpose: str | None = None,
        case_number: str | None = None,
        query_terms: str | None = None,
        reasons: Sequence[str] | None = None,
        details: Mapping[str, str] | None = None,
    ) -> tuple[int, str]: ...
    @property
    def head(self) -> tuple[int, str]: ...
    def verify(self, expected: tuple[int, str] | None = None) -> tuple[int, str]: ...
    def record_purge(self, plan: PurgePlan, purged_at: datetime.datetime, user: str, agency: str) -> dict[str, Any]: ...
    def report(
        self,
        policy: Policy | None = None,
        *,
        start: datetime.datetime | None = None,
        end: datetime.datetime | None = None,
        seed: int = 0,
        sample_size: int = 0,
        shifts: Mapping[str, tuple[datetime.time, datetime.time]] | None = None,
    ) -> AuditReport: ...
    def __len__(self) -> int: ...

@final
class Agency:
    @staticmethod
    def open(
        name: str,
        *,
        audit: str | os.PathLike[str] | AuditLog,
        roster: Sequence[Mapping[str, Any]] | str,
        policy: Policy | None = None,
    ) -> Agency: ...
    @staticmethod
    def for_tests_and_replays(
        name: str,
        *,
        audit: str | os.PathLike[str] | AuditLog,
        roster: Sequence[Mapping[str, Any]] | str,
        now: datetime.datetime,
        policy: Policy | None = None,
    ) -> Agency: ...
    def set_clock_for_tests_and_replays(self, now: datetime.datetime) -> None: ...
    @property
    def name(self) -> str: ...
    @property
    def policy(self) -> Policy: ...
    @property
    def policy_sha256(self) -> str: ...
    @property
    def now(self) -> datetime.datetime: ...
    @property
    def system_clock(self) -> bool: ...
    @property
    def head(self) -> tuple[int, str]: ...
    def verify(self, expected: tuple[int, str] | None = None) -> tuple[int, str]: ...
    def roster(self) -> list[dict[str, Any]]: ...
    def holds(self) -> list[dict[str, Any]]: ...
    def list_ids(self) -> list[str]: ...
    def health(self) -> list[dict[str, object]]: ...
    def approvals(self) -> dict[str, dict[str, Any]]: ...
    def authorize(self, user: str, request: Mapping[str, Any] | str) -> dict[str, Any]: ...
    def manage_users(self, admin: str, change: Mapping[str, Any] | str) -> None: ...
    def search(
        self,
        store: DetectionStore,
        pattern: str,
        *,
        user: str,
        request: Mapping[str, Any] | str,
        start: datetime.datetime | None = None,
        end: datetime.datetime | None = None,
        near: tuple[float, float, float] | None = None,
        ids_only: bool = False,
    ) -> Any: ...
    @overload
    def retro_hits(
        self,
        store: DetectionStore,
        list_id: str,
        *,
        user: str,
        request: Mapping[str, Any] | str,
        days: int,
        as_table: Literal[False] = False,
        progress: _Progress = None,
    ) -> HitList: ...
    @overload
    def retro_hits(
        self,
        store: DetectionStore,
        list_id: str,
        *,
        user: str,
        request: Mapping[str, Any] | str,
        days: int,
        as_table: Literal[True],
        progress: _Progress = None,
    ) -> pyarrow.Table: ...
    @overload
    def retro_hits(
        self,
        store: DetectionStore,
        list_id: str,
        *,
        user: str,
        request: Mapping[str, Any] | str,
        days: int,
        as_table: bool,
        progress: _Progress = None,
    ) -> HitList | pyarrow.Table: ...
    def grant_external(
        self,
        user: str,
        *,
        request: Mapping[str, Any] | str,
        read: str,
        engine: str,
        lists: Registry | None = None,
        list_id: str | None = None,
        days: int | None = None,
        pattern: str | None = None,
        start: datetime.datetime | None = None,
        end: datetime.datetime | None = None,
        near: tuple[float, float, float] | None = None,
    ) -> tuple[ExternalGrant, bytes | None]: ...
    def load_list(
        self,
        user: str,
        path_or_bytes: _FileSource,
        format: str,
        *,
        id: str,
        kind: str,
        priority: int,
        category: str | None = None,
        source: str = ...,
        approver: str | None = None,
        progress: _Progress = None,
        threads: int | None = None,
    ) -> LoadReport: ...
    def match(
        self,
        plate: str,
        *,
        viewer: str | None = None,
        jurisdiction: str | None = None,
        plate_type: str | None = None,
        observed_at: datetime.datetime,
        origin: str = "vehicle",
        device_id: str | None = None,
        location: tuple[float, float] | None = None,
    ) -> list[MatchHit]: ...
    def covert_hits(self, user: str, start: datetime.datetime, end: datetime.datetime) -> list[dict[str, Any]]: ...
    def open_hit(
        self,
        hit: MatchHit,
        *,
        plate: str,
        observed_at: datetime.datetime,
        jurisdiction: str | None = None,
        plate_type: str | None = None,
        origin: str = "vehicle",
        device_id: str | None = None,
        location: tuple[float, float] | None = None,
        heading: float | None = None,
    ) -> HitCase: ...
    def enter_hot_plate(
        self,
        user: str,
        *,
        plate: str,
        jurisdiction: str,
        expires_at: datetime.datetime,
        distribution: int | str | None = None,
        also_entered_in: list[str] | None = None,
        officer_name: str | None = None,
        contact_phone: str | None = None,
        case_number: str | None = None,
        synopsis: str | None = None,
        plate_type: str | None = None,
        category: str | None = None,
    ) -> int: ...
    def remove_hot_plate(self, user: str, id: int) -> None: ...
    def place_legal_hold(self, user: str, record_id: int, case_number: str, kind: str = "criminal") -> None: ...
    def release_legal_hold(self, user: str, record_id: int, case_number: str) -> int: ...
    def approve_other_use(
        self,
        user: str,
        reference: str,
        *,
        description: str,
        for_user: str | None = None,
        case_number: str | None = None,
    ) -> dict[str, Any]: ...
    def share(self, user: str, request: Mapping[str, Any] | str) -> dict[str, Any]: ...
    def purge(
        self, user: str, records: Sequence[tuple[int, str, datetime.datetime]]
    ) -> tuple[PurgePlan, dict[str, Any]]: ...
    def shift_end(self, operator: str, shift_started_at: datetime.datetime) -> dict[str, Any]: ...
    def book_pod_evidence(
        self,
        user: str,
        *,
        purpose: str,
        case_number: str,
        device_id: str,
        video_ref: str,
        property_ref: str | None = None,
    ) -> int: ...
    def access_review(self, user: str) -> list[dict[str, Any]]: ...
    def quarterly_report(
        self,
        user: str,
        *,
        start: datetime.datetime | None = None,
        end: datetime.datetime | None = None,
        seed: int = 0,
        sample_size: int = 0,
        shifts: Mapping[str, tuple[datetime.time, datetime.time]] | None = None,
    ) -> AuditReport: ...
    @overload
    def audit_records(
        self,
        user: str,
        *,
        start: datetime.datetime | None = None,
        end: datetime.datetime | None = None,
        as_table: Literal[False] = False,
    ) -> list[dict[str, Any]]: ...
    @overload
    def audit_records(
        self,
        user: str,
        *,
        start: datetime.datetime | None = None,
        end: datetime.datetime | None = None,
        as_table: Literal[True],
    ) -> Any: ...
    @overload
    def audit_records(
        self,
        user: str,
        *,
        start: datetime.datetime | None = None,
        end: datetime.datetime | None = None,
        as_table: bool,
    ) -> list[dict[str, Any]] | Any: ...

@final
class HitCase:
    def acknowledge(self, *, at: datetime.datetime, actor: str, reference: str | None = None) -> None: ...
    def mdc_query(self, *, at: datetime.datetime, actor: str, reference: str | None = None) -> None: ...
    def broadcast(self, *, at: datetime.datetime, actor: str, reference: str | None = None) -> None: ...
    def confirm(
        self,
        record_active: bool,
        plate_verified: bool,
        jurisdiction_verified: bool,
        occupied: bool,
        *,
        at: datetime.datetime,
        actor: str,
        reference: str | None = None,
    ) -> None: ...
    def reject(self, disposition: str, *, at: datetime.datetime, actor: str, reference: str | None = None) -> None: ...
    def record_basis(self, *, at: datetime.datetime, actor: str, reference: str | None = None) -> None: ...
    def stop(self, *, at: datetime.datetime, actor: str, reference: str | None = None) -> None: ...
    def close(self, outcome: str, *, at: datetime.datetime, actor: str, reference: str | None = None) -> None: ...
    @property
    def id(self) -> int: ...
    @property
    def list_id(self) -> str: ...
    @property
    def list_version(self) -> datetime.datetime: ...
    @property
    def status(self) -> str: ...
    @property
    def disposition(self) -> str | None: ...
    @property
    def outcome(self) -> str | None: ...
    @property
    def violations(self) -> list[str]: ...
    @property
    def call_types(self) -> list[str]: ...
    @property
    def last_event_at(self) -> datetime.datetime | None: ...
    @property
    def events_applied(self) -> int: ...
    def read(self) -> dict[str, Any]: ...
    def dispatch_packet(self) -> dict[str, Any]: ...
    def dispatch_packet_json(self) -> str: ...

@final
class ShippedLists:
    def __new__(cls, data: bytes) -> Self: ...
    @property
    def sha256(self) -> str: ...
    def list_ids(self) -> list[str]: ...
    def registry(self) -> Registry: ...
    def __len__(self) -> int: ...

@final
class ExternalGrant:
    @staticmethod
    def from_bytes(data: bytes) -> ExternalGrant: ...
    def to_bytes(self) -> bytes: ...
    def __reduce__(self) -> tuple[Callable[[bytes], ExternalGrant], tuple[bytes]]: ...
    @property
    def sequence(self) -> int: ...
    @property
    def read(self) -> str: ...
    @property
    def now(self) -> datetime.datetime: ...
    @property
    def user(self) -> str: ...
    @property
    def engine(self) -> str: ...
    @property
    def policy_sha256(self) -> str: ...
    @property
    def policy(self) -> Policy: ...
    @property
    def lists_sha256(self) -> str | None: ...
    def search(
        self,
        data: Any,
        *,
        id: str = "id",
        plate: str = "plate",
        observed_at: str = "observed_at",
        lat: str = "lat",
        lon: str = "lon",
        jurisdiction: str | None = None,
        device_id: str | None = None,
    ) -> Any: ...
    def retro_hits(
        self,
        data: Any,
        lists: ShippedLists,
        *,
        id: str = "id",
        plate: str = "plate",
        observed_at: str = "observed_at",
        lat: str = "lat",
        lon: str = "lon",
        jurisdiction: str | None = None,
        device_id: str | None = None,
    ) -> Any: ...
    def match_batch(
        self,
        data: Any,
        lists: ShippedLists,
        *,
        id: str = "id",
        plate: str = "plate",
        observed_at: str = "observed_at",
        jurisdiction: str | None = None,
        plate_type: str | None = None,
        origin: str = "vehicle",
    ) -> Any: ...
