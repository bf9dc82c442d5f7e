package mogu

import (
	"testing"

	qrcode "github.com/skip2/go-qrcode"
	"github.com/stretchr/testify/require"
)

// TestEncodeQRRecoversPanics: go-qrcode reports internal failures by
// panicking (log.Panic in its encoder). A QRCode that was not made by
// qrcode.New panics while drawing; EncodeQR must return an error.
func TestEncodeQRRecoversPanics(t *testing.T) {
	saved := newQRCode
	t.Cleanup(func() { newQRCode = saved })
	newQRCode = func(string, qrcode.RecoveryLevel) (*qrcode.QRCode, error) {
		return &qrcode.QRCode{}, nil
	}
	for _, f := range []Format{PNG, SVG} {
		img, err := EncodeQR("HTTPS://MOGU.EXAMPLE/C/X", f, 4)
		require.Error(t, err, f)
		require.Contains(t, err.Error(), "QR encoder failed")
		require.Nil(t, img)
	}
}
