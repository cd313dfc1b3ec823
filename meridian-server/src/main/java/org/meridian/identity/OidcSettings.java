package org.meridian.identity;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.meridian.core.security.Role;
import org.meridian.platform.capability.Environment;

/**
 * An external OpenID Connect provider whose access tokens Meridian accepts beside its own (or instead of its own
 * password sign-in). Unset issuer: none.
 *
 * @param issuer the provider's issuer ({@code iss}), exactly as in its tokens
 * @param audiences the audiences ({@code aud}) a token must name at least one of
 * @param jwks where the provider's public keys are: an http(s) URL (fetched, cached, refetched for a new key id) or a
 *             file holding a JWK set
 * @param rolesClaim the claim holding the person's roles or groups; a dotted path reaches into objects
 *                   ({@code realm_access.roles} for Keycloak)
 * @param departmentClaim the claim naming the person's department(s)
 * @param tenantClaim the claim naming the tenant the roles hold in (absent: the default tenant)
 * @param roleMap what each value of the roles claim means ({@code idp-value → role[@department]}); empty: the values
 *                are Meridian's role names, optionally {@code role@department}
 * @param only true: people sign in only at the provider (the password and refresh grants are refused)
 */
public record OidcSettings(String issuer, List<String> audiences, String jwks, String rolesClaim, String departmentClaim,
                           String tenantClaim, Map<String, List<String>> roleMap, boolean only) {
    public static final String ISSUER = "MERIDIAN_OIDC_ISSUER";
    public static final String AUDIENCE = "MERIDIAN_OIDC_AUDIENCE";
    public static final String JWKS = "MERIDIAN_OIDC_JWKS";
    public static final String ROLES_CLAIM = "MERIDIAN_OIDC_ROLES_CLAIM";
    public static final String DEPARTMENT_CLAIM = "MERIDIAN_OIDC_DEPARTMENT_CLAIM";
    public static final String TENANT_CLAIM = "MERIDIAN_OIDC_TENANT_CLAIM";
    public static final String ROLE_MAP = "MERIDIAN_OIDC_ROLE_MAP";
    public static final String ONLY = "MERIDIAN_OIDC_ONLY";

    public static OidcSettings from(Environment environment) {
        return new OidcSettings(blankToNull(environment.text(ISSUER, null)), list(environment.text(AUDIENCE, "")),
                blankToNull(environment.text(JWKS, null)), environment.text(ROLES_CLAIM, "roles"),
                environment.text(DEPARTMENT_CLAIM, "department"), environment.text(TENANT_CLAIM, "tenant"),
                roleMap(environment.text(ROLE_MAP, "")), "true".equals(environment.text(ONLY, "false")));
    }

    public boolean enabled() {
        return issuer != null;
    }

    /** Whether the key set is fetched over HTTP (else it is read from a file). */
    public boolean jwksIsUrl() {
        return jwks != null && (jwks.startsWith("https://") || jwks.startsWith("http://"));
    }

    public List<String> problems(Environment environment) {
        List<String> problems = new ArrayList<>();
        String only = environment.text(ONLY, "false");
        if (!only.equals("true") && !only.equals("false")) {
            problems.add(ONLY + " must be true or false, not '" + only + "'");
        }
        if (!enabled()) {
            if (jwks != null || !audiences.isEmpty() || this.only) {
                problems.add(ISSUER + " must be set to use an external identity provider");
            }
            return problems;
        }
        if (audiences.isEmpty()) {
            problems.add(AUDIENCE + " must name the audience the provider's tokens carry for Meridian");
        }
        if (jwks == null) {
            problems.add(JWKS + " must be the provider's key set: its URL (e.g. <issuer>/protocol/openid-connect/certs) or a file");
        } else if (jwksIsUrl()) {
            try {
                URI.create(jwks).toURL();
            } catch (IllegalArgumentException | java.net.MalformedURLException e) {
                problems.add(JWKS + " is not a valid URL: " + jwks);
            }
        } else if (!Files.isReadable(Path.of(jwks))) {
            problems.add(JWKS + " names no readable file (nor an http(s) URL): " + jwks);
        }
        for (String claim : List.of(rolesClaim, departmentClaim, tenantClaim)) {
            if (claim.isBlank() || claim.length() > 200) {
                problems.add("The OIDC claim names must be 1..200 characters");
            }
        }
        roleMap.forEach((value, targets) -> targets.forEach(target -> {
            String role = target.contains("@") ? target.substring(0, target.indexOf('@')) : target;
            if (Role.of(role).isEmpty()) {
                problems.add(ROLE_MAP + ": '" + value + "' maps to '" + role + "', which is not a role; the roles are "
                        + Arrays.stream(Role.values()).map(Role::id).toList());
            }
        }));
        roleMap.forEach((value, targets) -> targets.stream().filter(target -> target.endsWith("@")).forEach(target ->
                problems.add(ROLE_MAP + ": '" + value + "' maps to '" + target + "', which names no department")));
        if (roleMap.containsKey("")) {
            problems.add(ROLE_MAP + " must be value=role[@department] pairs separated by commas");
        }
        return problems;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static List<String> list(String value) {
        return Arrays.stream(value.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    /** {@code a=staff@ecology, b=operator, a=auditor}: a value may map to several roles. A malformed pair maps "" so it is reported. */
    private static Map<String, List<String>> roleMap(String value) {
        Map<String, List<String>> map = new LinkedHashMap<>();
        for (String pair : list(value)) {
            int equals = pair.indexOf('=');
            String key = equals <= 0 ? "" : pair.substring(0, equals).strip();
            String target = equals <= 0 ? "" : pair.substring(equals + 1).strip();
            map.computeIfAbsent(target.isEmpty() ? "" : key, k -> new ArrayList<>()).add(target);
        }
        map.replaceAll((key, targets) -> List.copyOf(targets));
        return Map.copyOf(map);
    }
}
