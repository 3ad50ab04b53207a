// Package bala reads, checks, writes and extracts Ballerina package archives
// (.bala files) and their metadata.
//
// A bala is a zip archive holding a package's sources, documentation,
// resources and platform libraries, plus three JSON metadata files. [Write]
// produces one reproducibly; [Open] checks one completely before anything
// uses it, [Check] reports every problem of one, and [Archive.ExtractTo]
// unpacks a checked one. The reader is built for hostile input: a registry
// runs it on every upload.
//
// # Entry names
//
// Every entry name, for reading and writing alike, must
//
//   - be non-empty, valid UTF-8 and at most [Limits].MaxPathLength bytes
//     long ([MaxPathLength] by default);
//   - be relative and slash-separated: no leading slash, no backslash, no
//     colon (which would make a drive letter such as "C:" or a Windows
//     alternate data stream);
//   - have no empty, "." or ".." element, and no element ending in a dot or a
//     space (Windows drops those, so two names could meet);
//   - hold no control or format character (NUL, newline, bidirectional
//     overrides…) and none of <>"|?* (invalid in Windows file names);
//   - have no element that is a Windows device name (CON, PRN, AUX, NUL,
//     COM0-9, LPT0-9, CONIN$, CONOUT$, with any extension, in any case);
//   - be local on the running system ([path/filepath.IsLocal]);
//   - differ from every other entry name under case folding
//     ([strings.EqualFold]), and no file may share its name with a
//     directory holding other entries, so that extracting on a
//     case-insensitive file system (macOS, Windows) never lets one entry
//     overwrite another.
//
// A name breaking one of the first six rules is an [ErrInsecurePath]; a
// collision is an [ErrDuplicate].
//
// # Entries
//
// Archives hold regular files only. An entry marked as a symbolic link is
// an [ErrSymlink]; a device, pipe or socket, or a directory entry with data,
// an [ErrNotRegular]. Directory entries ("name/", empty), which old writers
// added and the sample archive in the conformance data has, are checked
// like names, then skipped: [Check] lists them as omitted and
// [Archive.Files] leaves them out. Entries must be stored or deflated and
// not encrypted ([ErrUnsupported]).
//
// # Limits
//
// [Limits] bound what the reader accepts; [DefaultLimits] holds the
// defaults, each an exported constant: at most [MaxEntries] entries
// ([ErrTooManyEntries]), [MaxEntrySize] bytes per entry and [MaxTotalSize]
// bytes in all, uncompressed ([ErrTooLarge]), and a compression ratio of at
// most [MaxCompressionRatio]:1 for each entry larger than
// [RatioCheckThreshold] and for the whole archive once its entries add up
// to more than that ([ErrCompressionRatio]). The metadata files are also
// bounded by [MaxMetadataFile]. Limits are checked against the sizes
// declared in the central directory before any data is read, so a zip bomb
// is refused without being inflated, and every read goes through a reader
// bounded by the declared size plus one byte, so a size lie is caught after
// reading at most one byte more than declared. The number of entries is read
// from the end-of-directory record before the directory itself is loaded.
//
// # Structure
//
// Beyond what archive/zip checks (signatures, checksums, sizes of data read),
// the reader requires the layout every real writer produces: the local
// headers follow each other from the start of the archive in the order of
// the central directory, each entry's data (and data descriptor, if any)
// ends where the next header begins, and the central directory follows the
// last entry. Each local header must agree with its central directory record
// on the name, the compression method, the encryption flag and, when it
// carries them, the checksum and sizes. This rules out overlapping entries
// (a bomb technique), hidden data, and archives that mean different things
// to readers that trust the local headers and to those that trust the
// central directory. Violations, truncation, bad checksums and anything
// that is not a zip archive are [ErrFormat].
//
// # Metadata checks
//
// bala.json and package.json must be present ([ErrMissingMetadata]) and,
// like dependency-graph.json when present, readable by [ReadBalaJSON],
// [ReadPackageJSON] and [ReadDependencyGraphJSON] ([ErrInvalidMetadata],
// which also wraps their *[MetadataError]). The oldest archives' bala.json
// key "balo_version" and their layouts (docs/Package.md,
// docs/modules/<module>/Module.md, resources under modules/) read fine: the
// reader does not require particular documentation or source files.
//
// # Errors
//
// [Open] and the writer return the first problem as a *[CheckError] naming
// the entry ("" for the archive as a whole) and wrapping one of the kinds
// above; [Check] returns a [CheckedArchive] listing valid, omitted and
// invalid entries with their reasons, whose Err method returns what Open
// would.
//
// # Writing archives
//
// [Write] checks the entries against the name rules and [DefaultLimits],
// and requires valid bala.json and package.json entries, so that it never
// writes what [Open] would refuse. Its output depends only on the set of
// entries given, never on their order or on the time or system:
//
//   - entries in the reference writer's order: bala.json, docs/, modules/,
//     resources/, include files (any other name), platform/, package.json,
//     compiler-plugin/, tool/, dependency-graph.json; sorted by name (byte
//     order) within each group;
//   - file entries only, no directory entries;
//   - modification time 1980-01-01 00:00:00, the earliest an MS-DOS
//     timestamp can hold, and no extended-timestamp or other extra field;
//   - Unix mode 0644 ("version made by" Unix, zip version 2.0);
//   - UTF-8 name flag set, no data descriptors (checksum and sizes in the
//     local header), no comment;
//   - Deflate at level [CompressionLevel], except that an entry compressed
//     beyond [MaxCompressionRatio]:1, whatever its size, is stored instead,
//     so that neither it nor the archive as a whole breaks the limit.
//
// [WriteFile] writes atomically through package atomicfile.
//
// # Extracting
//
// [Archive.ExtractTo] writes into a temporary directory beside the
// destination, creating each file exclusively (O_EXCL) with mode 0644 and
// each directory with mode 0755, copies each entry through the same bounded,
// checksum-verified reader, syncs everything (on Linux with one syncfs(2)
// of the file system, elsewhere file by file) and renames the temporary
// directory into place. A destination that exists is refused, and a
// failure removes the temporary directory, so nothing is left behind.
// [OpenToExtract] makes every check of Open but leaves the verification of
// the entries' data to ExtractTo, so that an archive opened to be
// extracted at once is decompressed once.
//
// # Metadata files
//
// Three JSON files at the root of every archive describe the package; this
// package models them, reads them with validation and writes them in the
// reference implementation's byte format:
//
//   - bala.json: {"bala_version": "3.0.0", "built_by": "WSO2"}. The oldest
//     archives spell the first key "balo_version"; both are read, only
//     "bala_version" is written.
//   - package.json: the package's identity and metadata ([PackageJSON]).
//   - dependency-graph.json: the package's resolved dependency graph, one
//     entry per package with its direct dependencies, and one entry per
//     module of the package with its direct module dependencies
//     ([DependencyGraph]).
//
// # Reading metadata
//
// The Read functions are pure parsers: they take the file's name, used only
// in errors, and its bytes. They accept what the reference writers have
// produced over time: unknown keys are ignored (for example "transitive" and
// "modules" in the entries of dependency-graph.json, or keys added by newer
// writers), indentation and key order do not matter, and a JSON null counts
// as an absent key. Keys are matched exactly, as the reference reader (Gson)
// does: "Name" is not "name".
//
// They reject a file larger than [MaxMetadataFile], malformed JSON, a value
// of the wrong JSON type, and a missing or invalid identity: every package
// named (organization, name and version of package.json, every package and
// module of dependency-graph.json) must have an organization and a package
// name accepted by [manifest.CheckPackage] and a version accepted by
// [version.Parse]. Errors are *[MetadataError] values naming the file and
// the field, for example
//
//	package.json: version: Invalid version: '1.0'. Unexpected character 'EOI(null)' at position '3', expecting '[DOT]'
//	dependency-graph.json: packages[2].dependencies[0].org: required field missing
//
// Empty JSON arrays are read as nil slices, so a value read, written and
// read again is equal to the first one.
//
// # Writing metadata
//
// The Marshal functions validate like the readers (nothing is written that
// could not be read back) and produce what the reference writer (Gson with
// pretty printing) produces: two-space indentation, keys in the reference
// models' field order, no trailing newline, and Gson's HTML-safe string
// escaping (<, >, &, = and ' as \u003c, \u003e, \u0026, \u003d and \u0027).
//
// In package.json, empty strings and empty arrays are left out, as the
// reference writer's adaptors do; "template" is always written, and so is
// "export" in each module entry (both are Java primitives). bala.json always
// has both keys.
//
// dependency-graph.json is written without those adaptors, so nothing is
// left out: "packages" and "modules" are always present, and every package
// entry, including the entries of a "dependencies" list, carries
// "transitive": false, "dependencies" and "modules" ([] when empty), because
// the reference writer serialises the same Java class
// (io.ballerina.projects.internal.model.Dependency) for both. Every module
// entry carries "dependencies", [] for the entries of a "dependencies" list.
// Older writers left these keys out of the nested entries (see the sample
// archive in the conformance data); readers never needed them.
package bala
