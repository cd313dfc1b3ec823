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

    private final MACSigner signer;
    private final MACVerifier verifier;
    private final Duration lifetime;
    private final Clock clock;

    public AccessTokens(byte[] secret, Duration lifetime, Clock clock) {
        try {
            this.signer = new MACSigner(secret);
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

    private String sign(JWTClaimsSet.Builder claims) {
        Instant now = clock.instant();
        SignedJWT token = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims.issuer(ISSUER).issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(lifetime))).jwtID(UUID.randomUUID().toString()).build());
        try {
            token.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("could not sign an access token", e);
        }
        return token.serialize();
    }

    /** Whom the token was issued to, if it is one of ours, untampered and not expired. */
    public Optional<Bearer> verify(String token) {
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
            String session = claims.getStringClaim("sid");
            if (session != null) {
                return Optional.of(new Bearer.Person(UUID.fromString(claims.getSubject()), UUID.fromString(session)));
            }
            String client = claims.getStringClaim("client_id");
            String stamp = claims.getStringClaim("sst");
            return client != null && client.equals(claims.getSubject()) && stamp != null
                    ? Optional.of(new Bearer.Machine(client, stamp)) : Optional.empty();
        } catch (ParseException | JOSEException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
