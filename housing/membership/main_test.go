package membership_test

import (
	"os"
	"testing"

	"hearth/app/apptest"
)

func TestMain(m *testing.M) { os.Exit(apptest.Main(m)) }
