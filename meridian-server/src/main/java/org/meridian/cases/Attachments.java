package org.meridian.cases;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.concurrent.Semaphore;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.meridian.core.error.MeridianException;

/**
 * Photos and documents attached to cases, checked by what they are, not by what they say they are: a JPEG or PNG
 * photo (its header read for its size, never more than 40 megapixels) or a PDF document, at most
 * {@value #MAX_BYTES} bytes. Photos get a thumbnail for the pages, made from a subsampled read so that a large photo
 * costs the thumbnail's memory, not its own, and at most two at once.
 */
public final class Attachments {
    /** Largest attachment: a phone's photo, with room. */
    public static final int MAX_BYTES = 5 * 1024 * 1024;
    /** Most attachments a case may have. */
    public static final int MAX_PER_CASE = 20;
    static final long MAX_PIXELS = 40_000_000L;
    static final int THUMBNAIL = 320;
    private static final Semaphore DECODING = new Semaphore(2);

    /** A checked file: what it is, and its thumbnail (JPEG), or null for a document. */
    public record Checked(String mediaType, byte[] content, byte[] thumbnail) {
    }

    private Attachments() {
    }

    /** The file checked against the media type it is sent as; refused when it is something else, too large or unreadable. */
    public static Checked check(String declared, byte[] content) {
        String type = declared == null ? "" : declared.split(";")[0].trim().toLowerCase(java.util.Locale.ROOT);
        if (content.length == 0) {
            throw invalid("The file is empty");
        }
        if (content.length > MAX_BYTES) {
            throw new MeridianException(CaseError.TOO_LARGE, "An attachment is at most " + MAX_BYTES + " bytes");
        }
        String actual = sniff(content);
        if (actual == null) {
            throw new MeridianException(CaseError.UNSUPPORTED_TYPE, "Attach JPEG or PNG photos, or PDF documents");
        }
        if (!actual.equals(type)) {
            throw new MeridianException(CaseError.UNSUPPORTED_TYPE, "The file is " + actual + ", not " + (type.isEmpty() ? "what it says" : type)
                    + ": send it with its own Content-Type");
        }
        return new Checked(actual, content, actual.startsWith("image/") ? thumbnail(content) : null);
    }

    /** What the file's first bytes say it is: image/jpeg, image/png, application/pdf, or null. */
    static String sniff(byte[] content) {
        if (starts(content, 0xFF, 0xD8, 0xFF)) {
            return "image/jpeg";
        }
        if (starts(content, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
            return "image/png";
        }
        if (starts(content, '%', 'P', 'D', 'F', '-')) {
            return "application/pdf";
        }
        return null;
    }

    private static boolean starts(byte[] content, int... prefix) {
        if (content.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if ((content[i] & 0xFF) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** A JPEG at most {@value #THUMBNAIL} pixels on its longer side. */
    private static byte[] thumbnail(byte[] content) {
        DECODING.acquireUninterruptibly();
        try (ImageInputStream input = ImageIO.createImageInputStream(new ByteArrayInputStream(content))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(input);
            if (!readers.hasNext()) {
                throw invalid("The photo cannot be read");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(input, true, true);
                int width = reader.getWidth(0);
                int height = reader.getHeight(0);
                if (width <= 0 || height <= 0 || (long) width * height > MAX_PIXELS) {
                    throw invalid("A photo is at most " + MAX_PIXELS / 1_000_000 + " megapixels");
                }
                ImageReadParam param = reader.getDefaultReadParam();
                int step = Math.max(1, Math.max(width, height) / (2 * THUMBNAIL));
                param.setSourceSubsampling(step, step, 0, 0);
                BufferedImage read = reader.read(0, param);
                double scale = Math.min(1.0, (double) THUMBNAIL / Math.max(read.getWidth(), read.getHeight()));
                int w = Math.max(1, (int) Math.round(read.getWidth() * scale));
                int h = Math.max(1, (int) Math.round(read.getHeight() * scale));
                BufferedImage small = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
                Graphics2D graphics = small.createGraphics();
                graphics.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
                graphics.drawImage(read, 0, 0, w, h, java.awt.Color.WHITE, null);
                graphics.dispose();
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                ImageIO.write(small, "jpeg", out);
                return out.toByteArray();
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof MeridianException known) {
                throw known;
            }
            throw invalid("The photo cannot be read: it is damaged or not what it says");
        } finally {
            DECODING.release();
        }
    }

    /** The attachment's id: the first 16 hex digits of its SHA-256 (the same file twice is one attachment). */
    static String idOf(byte[] content) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(content);
            return java.util.HexFormat.of().formatHex(Arrays.copyOf(digest, 8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static MeridianException invalid(String detail) {
        return new MeridianException(CaseError.INVALID_INPUT, detail);
    }
}
