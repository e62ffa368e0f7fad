"""Move stored ciphertexts and lookup hashes to the current crypto suite and data key.

After ``ONEX_CRYPTO_SUITE`` changes (intl ↔ gm) or ``ONEX_DATA_KEY`` rotates, old blobs keep
decrypting (their header names suite and key) and lookups keep finding old hashes
(``keyed_hash_candidates``), but the retired key can only leave the configuration once every
blob and hash is rewritten. ``manage.py crypto_reencrypt`` does that through
:func:`reencrypt_all`: every field registered in :data:`encrypted_fields` (each concrete
``PersonalIdMixin`` model is found by itself; apps register their other encrypted fields in
their ``shell.py``) and the sealed import files. Idempotent (rows already current are skipped),
in batches (one transaction with row locks per batch), each batch audited.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext_lazy

from onex.core import crypto
from onex.core.actors import Actor
from onex.core.audit import audit_record
from onex.core.audit_display import register_action_labels
from onex.core.imports import sealed_file_context
from onex.core.models import ImportJob
from onex.core.personal import ID_NUMBER_HASH_PURPOSE, PersonalIdMixin
from onex.core.registry import Registry

DEFAULT_BATCH_SIZE = 200
AUDIT_ACTION = "crypto.reencrypt"

register_action_labels({AUDIT_ACTION: gettext_lazy("按当前密码算法重新加密")})


@dataclass(frozen=True)
class EncryptedField:
    """One ``BinaryField`` holding :func:`onex.core.crypto.encrypt` output."""

    name: str  # unique, e.g. "certificates.credentialrecord.identity_salt_enc"
    model: str  # "app_label.ModelName"
    field: str
    context: Callable[[models.Model], str]  # the ``context=`` the app encrypts with
    # A keyed hash of the same clear value kept beside it for lookups, rewritten too.
    hash_field: str = ""
    hash_purpose: str = ""
    order: int = 100


encrypted_fields: Registry[EncryptedField] = Registry("encrypted field")


def _personal_id_context(row: models.Model) -> str:
    assert isinstance(row, PersonalIdMixin)
    return row._id_number_context()


def field_specs() -> list[EncryptedField]:
    """Registered fields plus ``id_number_enc`` of every concrete ``PersonalIdMixin`` model."""
    specs = {spec.name: spec for spec in encrypted_fields.all()}
    for model in apps.get_models():
        if issubclass(model, PersonalIdMixin) and not model._meta.abstract:
            name = f"{model._meta.label_lower}.id_number_enc"
            specs.setdefault(
                name,
                EncryptedField(
                    name=name,
                    model=model._meta.label,
                    field="id_number_enc",
                    context=_personal_id_context,
                    hash_field="id_number_hash",
                    hash_purpose=ID_NUMBER_HASH_PURPOSE,
                ),
            )
    return sorted(specs.values(), key=lambda spec: (spec.order, spec.name))


@dataclass
class FieldResult:
    name: str
    scanned: int = 0
    rewritten: int = 0
    batches: int = 0
    errors: list[str] = field(default_factory=list)


def _rewrite_batch(
    *, actor: Actor, spec: EncryptedField, pks: list[int], dry_run: bool
) -> tuple[int, list[str]]:
    model = apps.get_model(spec.model)
    rewritten = 0
    errors: list[str] = []
    with transaction.atomic():
        rows = list(model._default_manager.select_for_update().filter(pk__in=pks).order_by("pk"))
        for row in rows:
            blob = bytes(getattr(row, spec.field) or b"")
            if not blob:
                continue
            context = spec.context(row)
            try:
                clear = crypto.decrypt(blob, context=context)
            except crypto.DecryptionError:
                errors.append(f"{spec.model} pk={row.pk}: does not decrypt")
                continue
            updates: list[str] = []
            if crypto.needs_reencrypt(blob):
                setattr(row, spec.field, crypto.encrypt(clear, context=context))
                updates.append(spec.field)
            if spec.hash_field:
                digest = crypto.keyed_hash(clear.decode("utf-8"), purpose=spec.hash_purpose)
                if getattr(row, spec.hash_field) != digest:
                    setattr(row, spec.hash_field, digest)
                    updates.append(spec.hash_field)
            if not updates:
                continue
            if not dry_run:
                try:
                    with transaction.atomic():  # a savepoint: one refused row keeps the batch
                        row.save(update_fields=updates)
                except IntegrityError:
                    # Two rows whose values differ only under the old hash (a duplicate that
                    # slipped past a lookup): left as they are for a person to resolve.
                    errors.append(f"{spec.model} pk={row.pk}: new hash conflicts with another row")
                    continue
            rewritten += 1
        if rewritten and not dry_run:
            audit_record(
                actor=actor,
                action=AUDIT_ACTION,
                target_type=model._meta.label_lower,
                target_id=f"{pks[0]}-{pks[-1]}",
                new={
                    "field": spec.field,
                    "rows": rewritten,
                    "suite": crypto.current_suite_name(),
                },
            )
    return rewritten, errors


def _candidate_pks(spec: EncryptedField) -> list[int]:
    """Rows whose blob or hash is not current (cheap header test first, no decryption)."""
    model = apps.get_model(spec.model)
    columns = ["pk", spec.field] + ([spec.hash_field] if spec.hash_field else [])
    stale: list[int] = []
    rows = model._default_manager.exclude(**{spec.field: b""}).order_by("pk")
    for values in rows.values_list(*columns).iterator(chunk_size=2000):
        pk, blob = values[0], bytes(values[1] or b"")
        if not blob:
            continue
        if crypto.needs_reencrypt(blob) or spec.hash_field:
            # Hashes cannot be tested without the clear value: such rows are decrypted in the
            # batch, which skips those already current.
            stale.append(int(pk))
    return stale


def reencrypt_field(
    *, actor: Actor, spec: EncryptedField, batch_size: int = DEFAULT_BATCH_SIZE, dry_run: bool
) -> FieldResult:
    result = FieldResult(name=spec.name)
    pks = _candidate_pks(spec)
    result.scanned = len(pks)
    for start in range(0, len(pks), batch_size):
        rewritten, errors = _rewrite_batch(
            actor=actor, spec=spec, pks=pks[start : start + batch_size], dry_run=dry_run
        )
        result.rewritten += rewritten
        result.errors.extend(errors)
        result.batches += 1
    return result


def reencrypt_import_files(*, actor: Actor, dry_run: bool) -> FieldResult:
    """Sealed import workbooks still in storage (deleted after their retention period)."""
    result = FieldResult(name="core.importjob.file")
    for job in ImportJob.objects.exclude(file="").order_by("pk"):
        result.scanned += 1
        with job.file.open("rb") as handle:
            stored = bytes(handle.read())
        if not crypto.needs_reencrypt(stored):
            continue
        context = sealed_file_context(job.sha256)
        try:
            clear = crypto.decrypt(stored, context=context)
        except crypto.DecryptionError:
            result.errors.append(f"core.importjob pk={job.pk}: does not decrypt")
            continue
        result.rewritten += 1
        if dry_run:
            continue
        old_name = str(job.file.name)
        storage = job.file.storage
        # Write the new blob first (the storage picks a free name), then point the job at
        # it, then delete the old one: a crash in between leaves a stray file, never no file.
        new_name = storage.save(old_name, ContentFile(crypto.encrypt(clear, context=context)))
        with transaction.atomic():
            ImportJob.objects.filter(pk=job.pk).update(file=new_name)
            audit_record(
                actor=actor,
                action=AUDIT_ACTION,
                target=job,
                new={"field": "file", "rows": 1, "suite": crypto.current_suite_name()},
            )
        storage.delete(old_name)
    result.batches = 1 if result.rewritten else 0
    return result


def reencrypt_all(
    *, actor: Actor, batch_size: int = DEFAULT_BATCH_SIZE, dry_run: bool = False
) -> list[FieldResult]:
    """Re-encrypt every registered field and sealed file into the current suite and key."""
    if batch_size < 1:
        raise ValueError("batch_size must be positive")
    crypto.current_suite_name()  # fail early on a bad ONEX_CRYPTO_SUITE
    results = [
        reencrypt_field(actor=actor, spec=spec, batch_size=batch_size, dry_run=dry_run)
        for spec in field_specs()
    ]
    results.append(reencrypt_import_files(actor=actor, dry_run=dry_run))
    return results
