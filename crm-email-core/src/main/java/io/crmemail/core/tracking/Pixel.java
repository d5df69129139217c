package io.crmemail.core.tracking;

import java.util.Base64;

/** The one tracking image: a 1×1 fully transparent PNG, identical for every token, known or not. */
public final class Pixel {

    private static final byte[] PNG = Base64.getDecoder().decode(
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAAC0lEQVR4XmNgAAIAAAUAAQYUdaMAAAAASUVORK5CYII=");

    private Pixel() {
    }

    public static final String CONTENT_TYPE = "image/png";

    /** A fresh copy of the PNG bytes. */
    public static byte[] png() {
        return PNG.clone();
    }
}
