package org.meridian.ingest;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Device and gateway secrets, kept as PBKDF2-HMAC-SHA256 with a random salt: a stolen table costs a guesser
 * {@value #ITERATIONS} HMACs per guess instead of one hash. Checking one costs about as much at sign-in, so a secret
 * once checked is remembered (by its SHA-256, in memory, never stored): a fleet reconnecting after a restart of the
 * broker pays the slow hash once per device, not once per connection. Hashes of the older salted-SHA-256 form still
 * verify.
 */
final class Secrets {
    static final int ITERATIONS = 210_000;
    private static final String PBKDF2 = "pbkdf2-sha256";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int MAX_REMEMBERED = 100_000;
    /** Stored hash → SHA-256 of the secret that matched it. */
    private static final Map<String, String> VERIFIED = new ConcurrentHashMap<>();

    private Secrets() {
    }

    static String hash(String secret) {
        if (secret == null) {
            return null;
        }
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return PBKDF2 + ":" + ITERATIONS + ":" + base64(salt) + ":" + base64(pbkdf2(secret, salt, ITERATIONS));
    }

    static boolean matches(String stored, String secret) {
        if (stored == null || secret == null) {
            return false;
        }
        String fingerprint = fingerprint(secret);
        String remembered = VERIFIED.get(stored);
        if (remembered != null) {
            return MessageDigest.isEqual(remembered.getBytes(StandardCharsets.US_ASCII), fingerprint.getBytes(StandardCharsets.US_ASCII));
        }
        boolean matches = verify(stored, secret);
        if (matches) {
            if (VERIFIED.size() >= MAX_REMEMBERED) {
                VERIFIED.clear();
            }
            VERIFIED.put(stored, fingerprint);
        }
        return matches;
    }

    /** A fast, unsalted digest of a secret: to recognise one already verified, never to store. */
    static String fingerprint(String secret) {
        return base64(sha256(new byte[0], secret));
    }

    private static boolean verify(String stored, String secret) {
        String[] parts = stored.split(":");
        try {
            if (parts.length == 4 && parts[0].equals(PBKDF2)) {
                int iterations = Integer.parseInt(parts[1]);
                return MessageDigest.isEqual(Base64.getDecoder().decode(parts[3]),
                        pbkdf2(secret, Base64.getDecoder().decode(parts[2]), iterations));
            }
            if (parts.length == 3 && parts[0].equals("sha256")) {
                return MessageDigest.isEqual(Base64.getDecoder().decode(parts[2]),
                        sha256(Base64.getDecoder().decode(parts[1]), secret));
            }
        } catch (IllegalArgumentException e) {
            return false;
        }
        return false;
    }

    private static byte[] pbkdf2(String secret, byte[] salt, int iterations) {
        try {
            PBEKeySpec spec = new PBEKeySpec(secret.toCharArray(), salt, iterations, 256);
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is part of every JDK", e);
        }
    }

    private static byte[] sha256(byte[] salt, String secret) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(salt);
            return sha.digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }
}
