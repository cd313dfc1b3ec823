package org.meridian.ingest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Device and gateway secrets, kept as salted SHA-256. Machine secrets are long and random, so a slow password hash
 * would only slow down every connection without making guessing harder.
 */
final class Secrets {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Secrets() {
    }

    static String hash(String secret) {
        if (secret == null) {
            return null;
        }
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return "sha256:" + Base64.getEncoder().encodeToString(salt) + ":" + Base64.getEncoder().encodeToString(digest(salt, secret));
    }

    static boolean matches(String stored, String secret) {
        if (stored == null || secret == null) {
            return false;
        }
        String[] parts = stored.split(":");
        if (parts.length != 3 || !parts[0].equals("sha256")) {
            return false;
        }
        byte[] salt = Base64.getDecoder().decode(parts[1]);
        return MessageDigest.isEqual(Base64.getDecoder().decode(parts[2]), digest(salt, secret));
    }

    private static byte[] digest(byte[] salt, String secret) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(salt);
            return sha.digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
