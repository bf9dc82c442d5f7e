package mogu_test

import (
	"bytes"
	"encoding/xml"
	"image"
	"image/color"
	"image/png"
	"regexp"
	"strconv"
	"strings"
	"testing"

	qrcode "github.com/skip2/go-qrcode"
	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/mogu"
)

const sampleURL = "HTTPS://MOGU.EXAMPLE/C/AEAAAAB2ZGZYTGQ2JMCMFKBUWQHQZRWBDDUJYMTKWNZSHSLOW7CPK6IEQ"

// modules returns the reference bitmap of content at level Q, quiet zone
// included.
func modules(t *testing.T, content string) [][]bool {
	q, err := qrcode.New(content, qrcode.High)
	require.NoError(t, err)
	return q.Bitmap()
}

func TestEncodeQRPNG(t *testing.T) {
	want := modules(t, sampleURL)
	n := len(want)
	for _, ppm := range []int{1, 3, 8} {
		data, err := mogu.EncodeQR(sampleURL, mogu.PNG, ppm)
		require.NoError(t, err)
		img, err := png.Decode(bytes.NewReader(data))
		require.NoError(t, err)
		require.Equal(t, image.Rect(0, 0, n*ppm, n*ppm), img.Bounds(), "pixels per module, quiet zone included")
		for y := range n * ppm {
			for x := range n * ppm {
				dark := color.GrayModel.Convert(img.At(x, y)).(color.Gray).Y < 128
				require.Equal(t, want[y/ppm][x/ppm], dark, "pixel (%d,%d) at %d px/module", x, y, ppm)
				if x < mogu.QuietZone*ppm || y < mogu.QuietZone*ppm || x >= (n-mogu.QuietZone)*ppm || y >= (n-mogu.QuietZone)*ppm {
					require.False(t, dark, "quiet zone (%d,%d) blank", x, y)
				}
			}
		}
	}
}

// TestEncodeQRSVG redraws the SVG's path and compares it with the bitmap.
func TestEncodeQRSVG(t *testing.T) {
	want := modules(t, sampleURL)
	n := len(want)
	data, err := mogu.EncodeQR(sampleURL, mogu.SVG, 5)
	require.NoError(t, err)

	var doc struct {
		XMLName xml.Name `xml:"svg"`
		Width   string   `xml:"width,attr"`
		Height  string   `xml:"height,attr"`
		ViewBox string   `xml:"viewBox,attr"`
		Shape   string   `xml:"shape-rendering,attr"`
		Paths   []struct {
			D string `xml:"d,attr"`
		} `xml:"path"`
	}
	require.NoError(t, xml.Unmarshal(data, &doc), "well-formed XML")
	require.Equal(t, strconv.Itoa(n*5), doc.Width)
	require.Equal(t, strconv.Itoa(n*5), doc.Height)
	require.Equal(t, "0 0 "+strconv.Itoa(n)+" "+strconv.Itoa(n), doc.ViewBox)
	require.Equal(t, "crispEdges", doc.Shape)
	require.Len(t, doc.Paths, 1, "one path")

	got := make([][]bool, n)
	for i := range got {
		got[i] = make([]bool, n)
	}
	re := regexp.MustCompile(`M(\d+) (\d+)h(\d+)v1h-(\d+)z`)
	d := doc.Paths[0].D
	require.Equal(t, "", re.ReplaceAllString(d, ""), "only unit-high runs")
	for _, m := range re.FindAllStringSubmatch(d, -1) {
		x, _ := strconv.Atoi(m[1])
		y, _ := strconv.Atoi(m[2])
		w, _ := strconv.Atoi(m[3])
		require.Equal(t, m[3], m[4])
		for i := x; i < x+w; i++ {
			require.False(t, got[y][i], "module (%d,%d) drawn twice", i, y)
			got[y][i] = true
		}
	}
	require.Equal(t, want, got)
}

// TestQRLevelAndAlphanumeric: the module encodes at level Q, and an
// upper-case claim URL makes a smaller symbol than the same URL in lower
// case (byte mode).
func TestQRLevelAndAlphanumeric(t *testing.T) {
	version := func(content string, level qrcode.RecoveryLevel) int {
		q, err := qrcode.New(content, level)
		require.NoError(t, err)
		return q.VersionNumber
	}
	data, err := mogu.EncodeQR(sampleURL, mogu.SVG, 1)
	require.NoError(t, err)
	size := 17 + 4*version(sampleURL, qrcode.High) + 2*mogu.QuietZone
	require.Contains(t, string(data), `width="`+strconv.Itoa(size)+`"`, "level Q's symbol size")
	require.NotEqual(t, version(sampleURL, qrcode.Medium), version(sampleURL, qrcode.High), "the level shows in the size for this URL")

	require.Less(t, version(sampleURL, qrcode.High), version(strings.ToLower(sampleURL), qrcode.High),
		"alphanumeric mode gives a smaller symbol")
}

func TestEncodeQRRefuses(t *testing.T) {
	tests := []struct {
		name    string
		content string
		f       mogu.Format
		ppm     int
		field   string
	}{
		{"gif", sampleURL, "gif", 4, "format"},
		{"zero size", sampleURL, mogu.PNG, 0, "pixels_per_module"},
		{"negative size", sampleURL, mogu.PNG, -4, "pixels_per_module"},
		{"huge size", sampleURL, mogu.SVG, mogu.MaxPixelsPerModule + 1, "pixels_per_module"},
		{"empty", "", mogu.PNG, 4, "content"},
		{"too long", strings.Repeat("x", 3000), mogu.PNG, 4, "content"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := mogu.EncodeQR(tt.content, tt.f, tt.ppm)
			var ve *bookingkit.ValidationError
			require.ErrorAs(t, err, &ve)
			require.Equal(t, tt.field, ve.Field)
		})
	}
}
