package org.meridian.identity;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import org.meridian.identity.http.AdminRoutes;
import org.meridian.identity.http.AuthRoutes;
import org.meridian.identity.http.CredentialCallers;
import org.meridian.identity.store.AccountStore;
import org.meridian.identity.store.ClientStore;
import org.meridian.identity.store.DepartmentStore;
import org.meridian.identity.store.SessionStore;
import org.meridian.platform.capability.Capability;
import org.meridian.platform.capability.Environment;
import org.meridian.platform.capability.Platform;
import org.meridian.platform.http.Callers;
import org.meridian.platform.http.Routes;

/**
 * Accounts and sign-in as a capability: its tables, {@code /auth/} and {@code /admin/v1/}, and the source that tells
 * the HTTP edge who calls (from a bearer token or an API key).
 */
public final class IdentityCapability implements Capability {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(IdentityCapability.class);
    public static final String NAME = "identity";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<String> migrations() {
        return List.of("classpath:db/identity");
    }

    @Override
    public List<String> problems(Environment environment) {
        List<String> problems = new java.util.ArrayList<>(IdentitySettings.from(environment).problems(environment));
        problems.addAll(OidcSettings.from(environment).problems(environment));
        return problems;
    }

    @Override
    public Running start(Platform platform) {
        IdentitySettings settings = IdentitySettings.from(platform.environment());
        if (!settings.authenticate() && !isLoopback(platform.host())) {
            throw new IllegalStateException(IdentitySettings.AUTH + "=off lets anyone do anything: it is refused unless "
                    + "the node listens on loopback only (MERIDIAN_HOST=127.0.0.1), not on " + platform.host());
        }
        AccountStore accounts = new AccountStore();
        SessionStore sessions = new SessionStore();
        ClientStore clients = new ClientStore();
        PasswordHasher hasher = new PasswordHasher();
        byte[] key = platform.transactions().inTransaction(accounts::signingKey);
        // Sign-ins that ended (expired or revoked) a week ago are of no use to anyone: forgotten at each start.
        platform.transactions().inTransaction(connection ->
                sessions.deleteEndedBefore(connection, platform.clock().instant().minus(Duration.ofDays(7))));
        OidcSettings oidc = OidcSettings.from(platform.environment());
        ExternalTokens external = oidc.enabled() ? new ExternalTokens(oidc, platform.clock()) : null;
        if (external != null) {
            LOG.info("Tokens of the identity provider {} for audience {} are accepted{}; its keys from {}", oidc.issuer(),
                    oidc.audiences(), oidc.only() ? " (people sign in there only)" : " beside Meridian's own", oidc.jwks());
        }
        ExternalIdentities externalIdentities = new ExternalIdentities();
        IdentityService identity = new IdentityService(platform.transactions(), accounts, sessions, clients, hasher,
                new AccessTokens(key, Duration.ofMinutes(settings.tokenMinutes()), platform.clock()),
                new LoginThrottle(platform.clock()), Duration.ofHours(settings.refreshHours()), platform.clock(),
                external, oidc.enabled() && oidc.only(), externalIdentities);
        Administration administration = new Administration(platform.transactions(), accounts, new DepartmentStore(),
                clients, sessions, hasher, externalIdentities);
        identity.ensureAdmin(settings.adminPassword()).ifPresent(password -> {
            // Shown once, on the console only (never in the log): the operator writes it down or sets their own.
            System.out.println();
            System.out.println("The operator account was created:  user " + IdentityService.ADMIN + "  password " + password);
            System.out.println("(shown only now; set " + IdentitySettings.ADMIN_PASSWORD + " before the first start to choose it)");
            System.out.println();
        });
        platform.services().provide(IdentityService.class, identity);
        platform.services().provide(Administration.class, administration);
        if (settings.authenticate()) {
            platform.services().provide(Callers.Source.class, new CredentialCallers(identity));
        } else {
            LOG.warn("AUTHENTICATION IS OFF ({}=off): every caller on {} may read and change everything, as any tenant. "
                    + "For conformance suites and benchmarks only.", IdentitySettings.AUTH, platform.host());
            platform.services().provide(Callers.Source.class, CredentialCallers.everyoneMayDoEverything());
        }
        List<Routes> routes = List.of(new AuthRoutes(identity), new AdminRoutes(administration));
        return new Running() {
            @Override
            public List<Routes> routes() {
                return routes;
            }
        };
    }

    static boolean isLoopback(String host) {
        try {
            for (InetAddress address : InetAddress.getAllByName(host)) {
                if (!address.isLoopbackAddress()) {
                    return false;
                }
            }
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
