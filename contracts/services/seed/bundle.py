"""The seed files of an upload: a .zip of a dataset folder, or the files of a folder (or a few .toml files) sent
one by one. Only TOML files side by side in one folder are seed files; anything else is set aside and named, and
an upload that could not be a dataset folder (not a zip, names leading out of the folder, too large) is refused."""

import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from contracts.services.seed.loader import SeedError, SeedProblem

# Limits on one upload: the seed of the London contract is about 130 KB in 6 files. (Django itself refuses a
# request of more than 100 files: DATA_UPLOAD_MAX_NUMBER_FILES.)
MOST_BYTES = 5 * 1024 * 1024
MOST_FILES = 100
# What operating systems add to a folder or a zip of it, never a seed file.
SYSTEM_FILES = {".DS_Store", "Thumbs.db", "desktop.ini"}


@dataclass
class SeedBundle:
    """The seed files (name → text) and the names of the files set aside, with why."""

    files: dict[str, str] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)


def seed_bundle_read(*, uploads: Iterable[tuple[str, bytes]]) -> SeedBundle:
    """The seed files of an upload, given as (file name, content) pairs: one .zip, or the files themselves."""
    uploads = list(uploads)
    if not uploads:
        raise SeedError("Choose a .zip of seed files, or a folder of them.")
    if len(uploads) == 1 and uploads[0][0].lower().endswith(".zip"):
        return _from_zip(*uploads[0])
    if any(name.lower().endswith(".zip") for name, _content in uploads):
        raise SeedError("Upload one .zip on its own, or the seed files themselves, not both.")
    if len(uploads) > MOST_FILES:
        raise SeedError(f"This upload has {len(uploads)} files; at most {MOST_FILES} are read.")
    if sum(len(content) for _name, content in uploads) > MOST_BYTES:
        raise SeedError(f"This upload is larger than {MOST_BYTES // (1024 * 1024)} MB; a seed is far smaller.")
    return _gathered((name, content) for name, content in uploads)


def _from_zip(zip_name: str, content: bytes) -> SeedBundle:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, ValueError):
        raise SeedError(SeedProblem("this is not a zip file that can be opened", file=zip_name)) from None
    with archive:
        members = [member for member in archive.infolist() if not member.is_dir()]
        if len(members) > MOST_FILES:
            raise SeedError(SeedProblem(f"it holds {len(members)} files; at most {MOST_FILES} are read", file=zip_name))
        problems = [SeedProblem(_unsafe(member.filename), file=zip_name) for member in members if _unsafe(member)]
        if problems:
            raise SeedError(problems)
        seed_members = [member for member in members if _is_seed_file(member.filename)]
        if sum(member.file_size for member in seed_members) > MOST_BYTES:
            raise SeedError(
                SeedProblem(
                    f"its .toml files come to more than {MOST_BYTES // (1024 * 1024)} MB unpacked", file=zip_name
                )
            )
        folder = _one_folder(member.filename for member in seed_members)
        read = [(member.filename.removeprefix(folder), b"") for member in members if member not in seed_members]
        for member in seed_members:
            if member.flag_bits & 0x1:
                raise SeedError(
                    SeedProblem(f"{member.filename} is encrypted: zip it without a password", file=zip_name)
                )
            relative = member.filename.removeprefix(folder)
            try:
                # zipfile unpacks no more than the declared size, whatever the packed data holds.
                read.append((relative, archive.read(member)))
            except (zipfile.BadZipFile, OSError, NotImplementedError, EOFError) as error:
                raise SeedError(SeedProblem(f"{member.filename} cannot be unpacked: {error}", file=zip_name)) from None
    return _gathered(read)


def _unsafe(member: "zipfile.ZipInfo | str") -> str:
    """Why a name in a zip could lead outside the dataset folder; empty when it cannot."""
    name = member.filename if isinstance(member, zipfile.ZipInfo) else member
    if "\\" in name or name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return f"the name {name!r} is not a plain path inside the folder: refused"
    if ".." in PurePosixPath(name).parts:
        return f"the name {name!r} leads outside the folder: refused"
    return ""


def _one_folder(names: Iterable[str]) -> str:
    """The one folder the seed files sit in, inside the zip ("" when they sit at its top, "london_lsp/" when the
    zip holds that folder); a seed spread over folders is refused."""
    folders = {str(PurePosixPath(name).parent) for name in names}
    folders = {"" if folder == "." else f"{folder}/" for folder in folders}
    if len(folders) > 1:
        listed = ", ".join(sorted(folder or "the top of the zip" for folder in folders))
        raise SeedError(f"The seed files sit in more than one folder ({listed}): put them side by side in one.")
    return next(iter(folders), "")


def _is_seed_file(name: str) -> bool:
    path = PurePosixPath(name)
    return path.suffix.lower() == ".toml" and not path.name.startswith(".") and "__MACOSX" not in path.parts


def _gathered(files: Iterable[tuple[str, bytes]]) -> SeedBundle:
    bundle = SeedBundle()
    problems = []
    for name, content in files:
        if _unsafe(name):
            problems.append(SeedProblem(_unsafe(name), file=name))
            continue
        path = PurePosixPath(name)
        if not _is_seed_file(name):
            if path.name not in SYSTEM_FILES and "__MACOSX" not in path.parts:
                bundle.ignored.append(f"{name} (not a .toml seed file)")
            continue
        if path.name in bundle.files:
            problems.append(SeedProblem("two files have this name: keep one", file=path.name))
            continue
        try:
            bundle.files[path.name] = content.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            problems.append(SeedProblem(f"this is not UTF-8 text (byte {error.start + 1} is not)", file=path.name))
    if problems:
        raise SeedError(problems)
    if not bundle.files:
        raise SeedError("No seed files (.toml) in this upload.")
    return bundle
