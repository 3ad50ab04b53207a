package cmdenv

import (
	"errors"
	"fmt"
	"strings"

	"github.com/balcentral/balcentral/internal/manifest"
	"github.com/balcentral/balcentral/internal/version"
)

// ParsePackage splits the "<org>/<name>[:<version>]" argument of bal pull
// and bal deprecate and checks each part, with the reference CLI's
// messages. The version is "" when none is given.
func ParsePackage(arg string) (org, name, ver string, err error) {
	invalid := errors.New("invalid package. Provide the package name with the organization.")
	parts := strings.Split(arg, "/")
	if len(parts) != 2 {
		return "", "", "", invalid
	}
	org = parts[0]
	nv := strings.Split(parts[1], ":")
	switch len(nv) {
	case 1:
		name = nv[0]
	case 2:
		name, ver = nv[0], nv[1]
	default:
		return "", "", "", invalid
	}
	if manifest.CheckOrg(org) != nil {
		return "", "", "", errors.New("invalid organization. Provide the package name with the organization.")
	}
	if manifest.CheckPackageName(name) != nil {
		return "", "", "", errors.New("invalid package name. Provide the package name with the organization.")
	}
	if len(nv) == 2 {
		if _, err := version.Parse(ver); err != nil {
			return "", "", "", fmt.Errorf("invalid package version. %v", err)
		}
	}
	return org, name, ver, nil
}
