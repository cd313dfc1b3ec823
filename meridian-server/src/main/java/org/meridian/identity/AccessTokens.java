package org.meridian.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import java.util.UUID;

/**
 * Short-lived access tokens: JWTs signed with HS256 by the platform's key, carrying the account and its session (or the machine client). Only
 * HS256 is accepted: a token whose header names another algorithm ({@code none}, RS256 with the key as a public key…)
 * is refused before its signature is looked at. What the account may do is read from the database on use, so a
 * disabled account or a removed role takes effect at once.
 */
public final class AccessTokens {
    private static final String ISSUER = "meridian";
    /** The claim that marks a browser's cookie, and its value. */
    private static final String USE = "use";
    private static final String BROWSER = "browser";

    private final MACSigner signer;
    private final MACVerifier verifier;
    private final byte[] csrfKey;
    private final Duration lifetime;
    private final Clock clock;

    public AccessTokens(byte[] secret, Duration lifetime, Clock clock) {
        try {
            this.signer = new MACSigner(secret);
            this.csrfKey = secret.clone();
            this.verifier = new MACVerifier(secret);
        } catch (JOSEException e) {
            throw new IllegalArgumentException("the signing key is too short for HS256", e);
        }
        this.lifetime = lifetime;
        this.clock = clock;
    }

    public Duration lifetime() {
        return lifetime;
    }

    /** Whom a token was issued to. */
    public sealed interface Bearer {
        /** A person, within one sign-in session. */
        record Person(UUID account, UUID session) implements Bearer {
        }

        /** A machine client (client_credentials), and the stamp of the secret it signed in with. */
        record Machine(String client, String secretStamp) implements Bearer {
        }
    }

    /** A token for a person's session: {@code sub} their account, {@code sid} the session. */
    public String issue(UUID account, String username, UUID session) {
        return sign(new JWTClaimsSet.Builder().subject(account.toString()).claim("preferred_username", username)
                .claim("sid", session.toString()));
    }

    /**
     * A token for a machine client: {@code sub} and {@code client_id} its id (RFC 9068), and a stamp of the secret it
     * signed in with, so that replacing the secret ends the tokens it gave at once.
     */
    public String issue(String client, String secretStamp) {
        return sign(new JWTClaimsSet.Builder().subject(client).claim("client_id", client).claim("sst", secretStamp));
    }

    /** A stamp of a client's secret (of its stored hash: it tells nothing of the secret). */
    public static String secretStamp(byte[] secretHash) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(secretHash);
            return java.util.HexFormat.of().formatHex(digest, 0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /**
     * A browser's session cookie for a person's sign-in: like an access token, but marked for the cookie and valid as
     * long as the session (the session's row still decides on every request). It is not accepted as a bearer token,
     * nor a bearer token as a cookie, so each kind of credential keeps its own checks (a cookie's requests need the
     * CSRF token).
     */
    public String issueBrowser(UUID account, String username, UUID session, Instant until) {
        return sign(new JWTClaimsSet.Builder().subject(account.toString()).claim("preferred_username", username)
                .claim("sid", session.toString()).claim(USE, BROWSER), until);
    }

    /** The person and session of a browser's cookie, if it is one of ours, untampered and not expired. */
    public Optional<Bearer.Person> verifyBrowser(String token) {
        return claims(token).filter(claims -> BROWSER.equals(claims.getClaim(USE))).flatMap(claims -> {
            try {
                String session = claims.getStringClaim("sid");
                return session == null ? Optional.empty()
                        : Optional.of(new Bearer.Person(UUID.fromString(claims.getSubject()), UUID.fromString(session)));
            } catch (ParseException | IllegalArgumentException e) {
                return Optional.empty();
            }
        });
    }

    /**
     * The token a browser's forms and scripts send back with every change (a CSRF token): derived from the session
     * with the signing key, so it is the same on every node, needs no storage, and another site cannot know it.
     */
    public String csrf(UUID session) {
        return keyed("csrf", session.toString());
    }

    /** A value only this platform can derive from the text (HMAC-SHA-256 with the signing key, per purpose). */
    public String keyed(String purpose, String text) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(csrfKey, "HmacSHA256"));
            byte[] digest = mac.doFinal((purpose + ":" + text).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(digest, 24));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    private String sign(JWTClaimsSet.Builder claims) {
        return sign(claims, clock.instant().plus(lifetime));
    }

    private String sign(JWTClaimsSet.Builder claims, Instant expires) {
        Instant now = clock.instant();
        SignedJWT token = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims.issuer(ISSUER).issueTime(Date.from(now))
                .expirationTime(Date.from(expires)).jwtID(UUID.randomUUID().toString()).build());
        try {
            token.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("could not sign an access token", e);
        }
        return token.serialize();
    }

    /** Whom the token was issued to, if it is one of ours, untampered and not expired. */
    public Optional<Bearer> verify(String token) {
        Optional<JWTClaimsSet> verified = claims(token).filter(claims -> claims.getClaim(USE) == null);
        if (verified.isEmpty()) {
            return Optional.empty();
        }
        JWTClaimsSet claims = verified.get();
        try {
            String session = claims.getStringClaim("sid");
            if (session != null) {
                return Optional.of(new Bearer.Person(UUID.fromString(claims.getSubject()), UUID.fromString(session)));
            }
            String client = claims.getStringClaim("client_id");
            String stamp = claims.getStringClaim("sst");
            return client != null && client.equals(claims.getSubject()) && stamp != null
                    ? Optional.of(new Bearer.Machine(client, stamp)) : Optional.empty();
        } catch (ParseException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The claims of a token signed by us, unexpired, with a subject. */
    private Optional<JWTClaimsSet> claims(String token) {
        try {
            SignedJWT parsed = SignedJWT.parse(token);
            if (!JWSAlgorithm.HS256.equals(parsed.getHeader().getAlgorithm()) || !parsed.verify(verifier)) {
                return Optional.empty();
            }
            JWTClaimsSet claims = parsed.getJWTClaimsSet();
            Date expires = claims.getExpirationTime();
            if (!ISSUER.equals(claims.getIssuer()) || expires == null || !clock.instant().isBefore(expires.toInstant())
                    || claims.getSubject() == null) {
                return Optional.empty();
            }
            return Optional.of(claims);
        } catch (ParseException | JOSEException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
