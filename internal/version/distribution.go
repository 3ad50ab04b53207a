package version

// The Ballerina distribution this toolchain stands in for. Manifests written by
// `bal new` record DistributionShort, Dependencies.toml records it as
// distribution-version, and .bala package.json files carry it as
// ballerina_version, so a real Ballerina toolchain of the same Update reads our
// files without the "Detected an attempt to compile this package using Swan
// Lake Update X" warning.
const (
	// DistributionShort is the short distribution version, e.g. "2201.13.0".
	DistributionShort = "2201.13.0"
	// DistributionUpdate is the Swan Lake Update number of DistributionShort.
	DistributionUpdate = 13
	// LanguageSpecVersion is the Ballerina language specification the
	// distribution implements.
	LanguageSpecVersion = "2024R1"
)
