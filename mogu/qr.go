package mogu

import (
	"bytes"
	"fmt"
	"strconv"

	"github.com/bookingkit/bookingkit"
	qrcode "github.com/skip2/go-qrcode"
)

// Format is an image format for QR codes.
type Format string

// The formats EncodeQR writes.
const (
	PNG Format = "png" // for screens and mail
	SVG Format = "svg" // for print: scales without blur
)

// QR code settings.
const (
	// QRRecovery survives creased or photocopied paper: level Q (25 % of
	// the codewords may be lost), which go-qrcode calls High.
	QRRecovery = qrcode.High
	// QuietZone is the blank border, in modules, that scanners need; the
	// encoder always keeps it.
	QuietZone = 4
	// MaxPixelsPerModule bounds the image size asked for.
	MaxPixelsPerModule = 40
	// DefaultPixelsPerModule prints a typical claim URL about 3 cm wide at
	// 300 dpi.
	DefaultPixelsPerModule = 8
)

// newQRCode is qrcode.New; a test swaps it to reach the panic path.
var newQRCode = qrcode.New

// qrAlphanumeric is QR's alphanumeric alphabet. Text made only of these
// characters is encoded with 5.5 bits a character instead of 8.
const qrAlphanumeric = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"

// EncodeQR draws content as a QR code at recovery level [QRRecovery] with
// its [QuietZone], in format f, with pixelsPerModule pixels (PNG) or user
// units (SVG) for each module, so that modules are even. It returns a
// [*bookingkit.ValidationError] for a bad format or size or content that is
// empty or too long for a QR code, and an error when the encoder fails
// internally (go-qrcode panics then; EncodeQR recovers).
func EncodeQR(content string, f Format, pixelsPerModule int) ([]byte, error) {
	if err := checkQROptions(f, pixelsPerModule); err != nil {
		return nil, err
	}
	if content == "" {
		return nil, bookingkit.Invalid("content", "", "required")
	}
	return encodeQR(content, f, pixelsPerModule)
}

func checkQROptions(f Format, pixelsPerModule int) error {
	if f != PNG && f != SVG {
		return bookingkit.Invalid("format", string(f), "expected png or svg")
	}
	if pixelsPerModule < 1 || pixelsPerModule > MaxPixelsPerModule {
		return bookingkit.Invalid("pixels_per_module", strconv.Itoa(pixelsPerModule), fmt.Sprintf("from 1 to %d", MaxPixelsPerModule))
	}
	return nil
}

func encodeQR(content string, f Format, pixelsPerModule int) (img []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			img, err = nil, fmt.Errorf("mogu: QR encoder failed: %v", r)
		}
	}()
	// A QRCode may be drawn only once: go-qrcode appends its terminator
	// and padding again on every draw.
	q, err := newQRCode(content, QRRecovery)
	if err != nil {
		return nil, bookingkit.Invalid("content", "", "cannot be encoded as a QR code: "+err.Error())
	}
	if f == SVG {
		return svg(q.Bitmap(), pixelsPerModule), nil
	}
	// A negative size asks go-qrcode for that many pixels per module.
	img, err = q.PNG(-pixelsPerModule)
	if err != nil {
		return nil, fmt.Errorf("mogu: QR PNG: %w", err)
	}
	return img, nil
}

// svg draws bitmap (quiet zone included) as one path of unit squares, one
// subpath per horizontal run of dark modules, scaled by the viewBox.
// shape-rendering="crispEdges" keeps renderers from anti-aliasing the seams
// between runs.
func svg(bitmap [][]bool, unit int) []byte {
	n := len(bitmap)
	size := strconv.Itoa(n * unit)
	runs := 0
	for _, row := range bitmap {
		for x, dark := range row {
			if dark && (x == 0 || !row[x-1]) {
				runs++
			}
		}
	}
	var b bytes.Buffer
	b.Grow(300 + runs*len("M99 99h99v1h-99z"))
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="` + size + `" height="` + size +
		`" viewBox="0 0 ` + strconv.Itoa(n) + " " + strconv.Itoa(n) + `" shape-rendering="crispEdges">` + "\n")
	b.WriteString(`<rect width="100%" height="100%" fill="#fff"/>` + "\n")
	b.WriteString(`<path fill="#000" d="`)
	for y, row := range bitmap {
		for x := 0; x < len(row); {
			if !row[x] {
				x++
				continue
			}
			start := x
			for x < len(row) && row[x] {
				x++
			}
			b.WriteByte('M')
			b.WriteString(strconv.Itoa(start))
			b.WriteByte(' ')
			b.WriteString(strconv.Itoa(y))
			b.WriteByte('h')
			b.WriteString(strconv.Itoa(x - start))
			b.WriteString("v1h-")
			b.WriteString(strconv.Itoa(x - start))
			b.WriteByte('z')
		}
	}
	b.WriteString(`"/>` + "\n</svg>\n")
	return b.Bytes()
}
