package org.meridian.identity;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.io.IOException;
import java.net.URI;
import java.net.MalformedURLException;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.meridian.core.security.Role;
import org.meridian.core.security.RoleGrant;

/**
 * Access tokens of an external OpenID Connect provider: verified against the provider's public keys (a JWK set from
 * its URL, cached and refetched when a token names a key id not yet seen, at most twice in 30 seconds; or from a
 * file), its issuer, one of Meridian's audiences, and their lifetime; then their claims are mapped to Meridian's
 * roles. Only asymmetric algorithms are accepted (RSA, RSA-PSS, ECDSA): a token signed with HMAC, or not signed at
 * all, is refused whatever key it names, so the provider's public key can never be used as a shared secret.
 */
public final class ExternalTokens {
    /** Roles that only make sense within a department: without one, a token's claim grants nothing. */
    private static final Set<Role> DEPARTMENT_ROLES = Set.of(Role.DEPARTMENT_ADMIN, Role.STAFF, Role.SYSTEM);
    private static final Set<JWSAlgorithm> ASYMMETRIC = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
            JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512, JWSAlgorithm.ES256, JWSAlgorithm.ES384,
            JWSAlgorithm.ES512);
    private static final int FETCH_TIMEOUT_MILLIS = 2_000;
    private static final int MAX_KEY_SET_BYTES = 256 * 1024;
    private static final long CLOCK_SKEW_SECONDS = 60;

    /**
     * Who a verified token names.
     *
     * @param subject the provider's subject ({@code sub}), unique at the provider
     * @param username what people call them ({@code preferred_username}, else the subject)
     * @param grants the roles the token's claims map to
     * @param issuedAt when the token was issued (its {@code iat}, else when it was verified)
     * @param expiresAt when the token expires
     */
    public record Identity(String subject, String username, List<RoleGrant> grants, Instant issuedAt, Instant expiresAt) {
    }

    private final OidcSettings settings;
    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    private final Clock clock;

    public ExternalTokens(OidcSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT, new JOSEObjectType("at+jwt"), null));
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(ASYMMETRIC, keys(settings)));
        // Issuer and audience here; the times against the platform clock below, so tests and nodes agree on "now".
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(new HashSet<>(settings.audiences()),
                new JWTClaimsSet.Builder().issuer(settings.issuer()).build(), Set.of("sub"), null) {
            @Override
            public void verify(JWTClaimsSet claims, SecurityContext context) throws com.nimbusds.jwt.proc.BadJWTException {
                super.verify(new JWTClaimsSet.Builder(claims).expirationTime(null).notBeforeTime(null).build(), context);
            }
        });
    }

    private static JWKSource<SecurityContext> keys(OidcSettings settings) {
        if (settings.jwksIsUrl()) {
            try {
                return JWKSourceBuilder.<SecurityContext>create(URI.create(settings.jwks()).toURL(),
                                new DefaultResourceRetriever(FETCH_TIMEOUT_MILLIS, FETCH_TIMEOUT_MILLIS, MAX_KEY_SET_BYTES))
                        .retrying(true).build();
            } catch (MalformedURLException e) {
                throw new IllegalArgumentException(OidcSettings.JWKS + " is not a valid URL", e);
            }
        }
        try {
            return new ImmutableJWKSet<>(JWKSet.load(Path.of(settings.jwks()).toFile()));
        } catch (IOException | ParseException e) {
            throw new IllegalArgumentException(OidcSettings.JWKS + " names a file that is not a JWK set: " + e.getMessage(), e);
        }
    }

    /** Whether the token says it comes from the provider (unverified: only to choose which verifier to ask). */
    public boolean claimsToBeFrom(String token) {
        try {
            return settings.issuer().equals(SignedJWT.parse(token).getJWTClaimsSet().getIssuer());
        } catch (ParseException | IllegalArgumentException e) {
            return false;
        }
    }

    /** Who the token names, if the provider signed it for Meridian and it is in force now. */
    public Optional<Identity> verify(String token) {
        JWTClaimsSet claims;
        try {
            claims = processor.process(token, null);
        } catch (ParseException | BadJOSEException | com.nimbusds.jose.JOSEException | RuntimeException e) {
            return Optional.empty();
        }
        if (claims.getExpirationTime() == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        Instant expires = claims.getExpirationTime().toInstant();
        Instant notBefore = claims.getNotBeforeTime() == null ? null : claims.getNotBeforeTime().toInstant();
        if (!now.isBefore(expires.plusSeconds(CLOCK_SKEW_SECONDS))
                || notBefore != null && now.plusSeconds(CLOCK_SKEW_SECONDS).isBefore(notBefore)) {
            return Optional.empty();
        }
        String username = stringClaim(claims, "preferred_username");
        Instant issued = claims.getIssueTime() == null ? now : claims.getIssueTime().toInstant();
        return Optional.of(new Identity(claims.getSubject(), username == null ? claims.getSubject() : username, grants(claims),
                issued, expires));
    }

    /** The roles the claims give: each value of the roles claim, through the role map, in the token's tenant. */
    List<RoleGrant> grants(JWTClaimsSet claims) {
        String tenant = Optional.ofNullable(stringClaim(claims, settings.tenantClaim())).orElse("");
        if (tenant.equals(RoleGrant.EVERY_TENANT)) {
            // Every tenant is for Meridian's own operators to hold, not for a claim to say.
            return List.of();
        }
        List<String> departments = values(claim(claims, settings.departmentClaim()));
        Set<RoleGrant> grants = new LinkedHashSet<>();
        for (String value : values(claim(claims, settings.rolesClaim()))) {
            List<String> targets = settings.roleMap().isEmpty() ? List.of(value) : settings.roleMap().getOrDefault(value, List.of());
            for (String target : targets) {
                int at = target.indexOf('@');
                Optional<Role> role = Role.of(at < 0 ? target : target.substring(0, at));
                boolean raw = settings.roleMap().isEmpty();
                if (role.isEmpty() || at >= 0 && at == target.length() - 1
                        || raw && role.get().kind() == Role.Kind.MACHINE) {
                    // Unknown, "role@" with no department, or a machine role a person's own claim may not name.
                    continue;
                }
                if (at >= 0) {
                    grants.add(new RoleGrant(tenant, target.substring(at + 1), role.get().id()));
                } else if (DEPARTMENT_ROLES.contains(role.get())) {
                    departments.forEach(department -> grants.add(new RoleGrant(tenant, department, role.get().id())));
                } else {
                    grants.add(new RoleGrant(tenant, "", role.get().id()));
                }
            }
        }
        return List.copyOf(grants);
    }

    /** A claim by name, or by a dotted path into nested objects when no claim has the whole name. */
    private static Object claim(JWTClaimsSet claims, String name) {
        Object direct = claims.getClaim(name);
        if (direct != null || !name.contains(".")) {
            return direct;
        }
        Object current = claims.getClaims();
        for (String part : name.split("\\.")) {
            if (!(current instanceof Map<?, ?> map)) {
                return null;
            }
            current = map.get(part);
        }
        return current;
    }

    private static String stringClaim(JWTClaimsSet claims, String name) {
        return claim(claims, name) instanceof String text && !text.isBlank() && text.length() <= 200 ? text : null;
    }

    /** A claim's values: a list of strings, or one string (space-separated values, as OAuth scopes are). */
    private static List<String> values(Object claim) {
        List<String> values = new ArrayList<>();
        if (claim instanceof String text) {
            values.addAll(List.of(text.strip().split("\\s+")));
        } else if (claim instanceof List<?> list) {
            list.stream().limit(200).filter(String.class::isInstance).map(String.class::cast).forEach(values::add);
        }
        values.removeIf(value -> value.isEmpty() || value.length() > 200);
        return values;
    }
}
