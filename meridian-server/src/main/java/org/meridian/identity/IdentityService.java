package org.meridian.identity;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.meridian.core.error.MeridianException;
import org.meridian.core.security.Caller;
import org.meridian.core.security.Role;
import org.meridian.core.security.RoleGrant;
import org.meridian.identity.AccessTokens.Bearer;
import org.meridian.identity.store.AccountStore;
import org.meridian.identity.store.ClientStore;
import org.meridian.identity.store.SessionStore;
import org.meridian.platform.db.Transactions;

/**
 * Sign-in and who calls. People sign in with a password and get a session: a short-lived access token and a one-use
 * refresh token; machines sign in with their client credentials or send their API key. Every request reads the
 * session, the account or the client and the roles from the database, so signing out, disabling an account or a
 * client, or removing a role takes effect at once, on every node.
 */
public final class IdentityService {
    public static final String ADMIN = "admin";
    private static final String ACCOUNT = "account:";
    private static final String CLIENT = "client:";

    /** A signed-in caller's identity, as {@code GET /auth/me} shows it. */
    public record Me(String subject, String username, String tenant, Set<String> departments, Set<String> roles,
                     List<RoleGrant> grants) {
    }

    /** What a sign-in gives: an access token, how long it lasts, and (people only) a refresh token. */
    public record Token(String accessToken, long expiresInSeconds, String refreshToken) {
    }

    private final Transactions transactions;
    private final AccountStore accounts;
    private final SessionStore sessions;
    private final ClientStore clients;
    private final org.meridian.identity.store.DepartmentStore departments = new org.meridian.identity.store.DepartmentStore();
    private final PasswordHasher hasher;
    private final AccessTokens tokens;
    private final LoginThrottle throttle;
    private final Duration sessionLifetime;
    private final Clock clock;
    private final ExternalTokens external;
    private final boolean externalOnly;
    private final ExternalIdentities externalIdentities;

    IdentityService(Transactions transactions, AccountStore accounts, SessionStore sessions, ClientStore clients,
                    PasswordHasher hasher, AccessTokens tokens, LoginThrottle throttle, Duration sessionLifetime, Clock clock,
                    ExternalTokens external, boolean externalOnly, ExternalIdentities externalIdentities) {
        this.externalIdentities = externalIdentities;
        this.external = external;
        this.externalOnly = externalOnly;
        this.transactions = transactions;
        this.accounts = accounts;
        this.sessions = sessions;
        this.clients = clients;
        this.hasher = hasher;
        this.tokens = tokens;
        this.throttle = throttle;
        this.sessionLifetime = sessionLifetime;
        this.clock = clock;
    }

    /**
     * Creates the operator account {@code admin} if there is none: with the given password, or a generated one, which
     * is returned so that it can be shown once. Returns empty when the account existed or the password was given.
     */
    Optional<String> ensureAdmin(String password) {
        String chosen = password != null ? password : generatedPassword();
        String hash = hasher.hash(chosen);
        boolean created = transactions.inTransaction(connection -> {
            UUID id = UUID.randomUUID();
            if (!accounts.create(connection, id, ADMIN, "Operator", hash)) {
                return false;
            }
            accounts.grant(connection, id, new RoleGrant(RoleGrant.EVERY_TENANT, "", Role.OPERATOR.id()));
            return true;
        });
        return created && password == null ? Optional.of(chosen) : Optional.empty();
    }

    static String generatedPassword() {
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Whether people sign in only at the external identity provider (the password and refresh grants are refused). */
    public boolean peopleSignInElsewhere() {
        return externalOnly;
    }

    /** Signs a person in with their password (OAuth 2.0 password grant): a new session. */
    public Token signIn(String username, String password, String address) {
        AccountStore.StoredAccount account = checkPassword(username, password, address);
        UUID session = UUID.randomUUID();
        String refresh = OpaqueSecrets.generate();
        transactions.inTransaction(connection -> {
            sessions.create(connection, session, account.id(), clock.instant().plus(sessionLifetime));
            sessions.addRefresh(connection, OpaqueSecrets.hash(refresh), session);
            return null;
        });
        return new Token(tokens.issue(account.id(), username, session), tokens.lifetime().toSeconds(), refresh);
    }

    /** A person's sign-in in a browser: the session cookie's value, its CSRF token, and when it ends. */
    public record BrowserSession(String cookie, String csrf, Instant until) {
    }

    /**
     * Signs a person in at the web pages: a new session, as with the password grant, carried by a cookie for the
     * session's lifetime instead of short access tokens and refresh tokens (pages would otherwise race to refresh).
     */
    public BrowserSession signInBrowser(String username, String password, String address) {
        if (externalOnly) {
            throw new MeridianException(IdentityError.INVALID_GRANT, "People sign in at the city's identity provider");
        }
        AccountStore.StoredAccount account = checkPassword(username, password, address);
        UUID session = UUID.randomUUID();
        Instant until = clock.instant().plus(sessionLifetime);
        transactions.inTransaction(connection -> {
            sessions.create(connection, session, account.id(), until);
            return null;
        });
        return new BrowserSession(tokens.issueBrowser(account.id(), username, session, until), tokens.csrf(session), until);
    }

    /** Who the browser's session cookie signs in, acting in the tenant; empty when it is not valid or its session ended. */
    public Optional<Caller> browserCaller(String cookie, String tenant) {
        Optional<Bearer.Person> person = tokens.verifyBrowser(cookie);
        if (person.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(personCaller(person.get(), tenant));
        } catch (MeridianException ended) {
            return Optional.empty();
        }
    }

    /** The CSRF token of the browser session the cookie carries, or empty when the cookie is not one of ours. */
    public Optional<String> csrf(String cookie) {
        return tokens.verifyBrowser(cookie).map(person -> tokens.csrf(person.session()));
    }

    /**
     * The name a citizen who reported without an account is known by: derived from the secret follow code they were
     * given, so whoever holds the code (and only they) acts as that reporter, and the code itself is stored nowhere.
     */
    public String citizenPseudonym(String followCode) {
        return "citizen:" + tokens.keyed("follow-code", followCode);
    }

    /** Ends the browser session the cookie carries (on every node at once). */
    public void signOutBrowser(String cookie) {
        tokens.verifyBrowser(cookie).ifPresent(person -> transactions.inTransaction(connection -> {
            sessions.revoke(connection, person.session(), "signed out");
            return null;
        }));
    }

    /** The account the password opens, counted by the throttle; refused alike for a wrong name and a wrong password. */
    private AccountStore.StoredAccount checkPassword(String username, String password, String address) {
        if (username == null || password == null || username.isEmpty() || username.length() > 128 || password.length() > 1024) {
            throw new MeridianException(IdentityError.INVALID_GRANT, "A user name and a password are needed");
        }
        if (!throttle.begin(username, address)) {
            throw new MeridianException(IdentityError.TOO_MANY_ATTEMPTS, "Too many failed sign-ins; try again in "
                    + LoginThrottle.WINDOW.toMinutes() + " minutes");
        }
        Optional<AccountStore.StoredAccount> account = transactions.readOnly(connection -> accounts.byUsername(connection, username));
        // A missing account costs a hash too, so its absence does not show in the time taken.
        boolean matches = hasher.matches(password, account.map(AccountStore.StoredAccount::passwordHash).orElse(DUMMY_HASH));
        if (account.isEmpty() || !matches || account.get().disabled()) {
            throw new MeridianException(IdentityError.INVALID_GRANT, "The user name or the password is wrong");
        }
        throttle.succeeded(username, address);
        return account.get();
    }

    private static final String DUMMY_HASH = new PasswordHasher().hash("no such account");

    /**
     * A new access token and refresh token for a refresh token (each refresh token works once). A refresh token used
     * a second time was copied: the whole session ends, so neither the thief nor the owner keeps it.
     */
    public Token refresh(String refreshToken) {
        if (refreshToken == null || refreshToken.isEmpty() || refreshToken.length() > 256) {
            throw new MeridianException(IdentityError.INVALID_GRANT, "A refresh_token is needed");
        }
        Instant now = clock.instant();
        String next = OpaqueSecrets.generate();
        // The replay's revocation must commit even though the answer is an error, so the transaction returns it.
        Object outcome = transactions.inTransaction(connection -> {
            Optional<SessionStore.StoredRefresh> used = sessions.use(connection, OpaqueSecrets.hash(refreshToken));
            if (used.isEmpty()) {
                return "The refresh token is not known";
            }
            if (used.get().used()) {
                sessions.revoke(connection, used.get().session(), "a refresh token was used twice");
                return "The refresh token was used before: the session has ended, sign in again";
            }
            Optional<SessionStore.StoredSession> session = sessions.find(connection, used.get().session());
            Optional<AccountStore.StoredAccount> account = session.isEmpty() ? Optional.empty()
                    : accounts.byId(connection, session.get().account());
            if (session.isEmpty() || !session.get().activeAt(now) || account.isEmpty() || account.get().disabled()) {
                return "The session has ended: sign in again";
            }
            sessions.addRefresh(connection, OpaqueSecrets.hash(next), session.get().id());
            return new Token(tokens.issue(account.get().id(), account.get().username(), session.get().id()),
                    tokens.lifetime().toSeconds(), next);
        });
        if (outcome instanceof Token token) {
            return token;
        }
        throw new MeridianException(IdentityError.INVALID_GRANT, (String) outcome);
    }

    /** Signs a machine client in (OAuth 2.0 client_credentials): an access token, no refresh token (RFC 6749 4.4.3). */
    public Token signInClient(String clientId, String secret) {
        ClientStore.StoredClient client = authenticateClient(clientId, secret);
        return new Token(tokens.issue(client.id(), AccessTokens.secretStamp(client.secretHash())), tokens.lifetime().toSeconds(), null);
    }

    private ClientStore.StoredClient authenticateClient(String clientId, String secret) {
        if (clientId == null || secret == null || clientId.length() > 64 || secret.length() > 256) {
            throw new MeridianException(IdentityError.INVALID_CLIENT, "A client_id and a client_secret are needed");
        }
        return transactions.readOnly(connection -> clients.find(connection, clientId))
                .filter(found -> OpaqueSecrets.matches(secret, found.secretHash()) && !found.disabled())
                .orElseThrow(() -> new MeridianException(IdentityError.INVALID_CLIENT,
                        "The client id or secret is wrong, or the client is disabled"));
    }

    /** Ends the session the access token belongs to: its access and refresh tokens stop working on every node. */
    public void signOut(String accessToken) {
        if (tokens.verify(accessToken).orElse(null) instanceof Bearer.Person person) {
            transactions.inTransaction(connection -> {
                sessions.revoke(connection, person.session(), "signed out");
                return null;
            });
        }
    }

    /** Who bears the access token, acting in the tenant; refused when it is not valid or its session has ended. */
    public Caller caller(String token, String tenant) {
        if (external != null && external.claimsToBeFrom(token)) {
            ExternalTokens.Identity identity = external.verify(token).orElseThrow(() -> new MeridianException(
                    IdentityError.INVALID_TOKEN, "The identity provider's token is not valid (forged, expired, or not for Meridian)"));
            return callerOf(externalIdentities.remember(identity), identity.grants(), tenant);
        }
        Bearer bearer = tokens.verify(token).orElseThrow(() -> new MeridianException(IdentityError.INVALID_TOKEN,
                "The access token is not valid (malformed, forged or expired)"));
        return switch (bearer) {
            case Bearer.Person person -> personCaller(person, tenant);
            case Bearer.Machine machine -> transactions.readOnly(connection -> clients.find(connection, machine.client()))
                    .filter(client -> !client.disabled() && AccessTokens.secretStamp(client.secretHash()).equals(machine.secretStamp()))
                    .map(client -> clientCaller(client, tenant))
                    .orElseThrow(() -> new MeridianException(IdentityError.INVALID_TOKEN,
                            "The client is disabled or gone, or its secret was replaced since the token was issued"));
        };
    }

    /** Who sends the API key ({@code client-id.secret}), acting in the tenant. */
    public Caller apiKeyCaller(String apiKey, String tenant) {
        int dot = apiKey.lastIndexOf('.');
        if (dot <= 0) {
            throw new MeridianException(IdentityError.INVALID_CLIENT, "An API key is <client id>.<secret>");
        }
        return clientCaller(authenticateClient(apiKey.substring(0, dot), apiKey.substring(dot + 1)), tenant);
    }

    private Caller personCaller(Bearer.Person person, String tenant) {
        Instant now = clock.instant();
        return transactions.readOnly(connection -> {
            boolean active = sessions.find(connection, person.session())
                    .filter(session -> session.activeAt(now) && session.account().equals(person.account())).isPresent();
            AccountStore.StoredAccount account = accounts.byId(connection, person.account())
                    .filter(found -> active && !found.disabled())
                    .orElseThrow(() -> new MeridianException(IdentityError.INVALID_TOKEN,
                            "The sign-in has ended (signed out, or the account is disabled): sign in again"));
            return accountCaller(connection, account, tenant);
        });
    }

    private Caller accountCaller(java.sql.Connection connection, AccountStore.StoredAccount account, String tenant)
            throws java.sql.SQLException {
        return callerOf(ACCOUNT + account.username(), accounts.roles(connection, account.id()), tenant);
    }

    /** Someone with these roles acting in the tenant: the roles held there, and the departments they are held in. */
    private static Caller callerOf(String subject, List<RoleGrant> grants, String tenant) {
        Set<String> departments = new LinkedHashSet<>();
        Set<String> roles = new LinkedHashSet<>();
        for (RoleGrant grant : grants) {
            if (grant.appliesTo(tenant)) {
                roles.add(grant.role());
                if (!grant.department().isEmpty()) {
                    departments.add(grant.department());
                }
            }
        }
        return new Caller(tenant, subject, departments, roles);
    }

    private static Caller clientCaller(ClientStore.StoredClient client, String tenant) {
        boolean here = client.tenant().equals(tenant);
        return new Caller(tenant, CLIENT + client.id(), here && !client.department().isEmpty() ? Set.of(client.department()) : Set.of(),
                here ? Set.of(client.role()) : Set.of());
    }

    /**
     * Whether the caller holds the role in the department of its tenant (a department role held there, or the role
     * held tenant-wide). The platform itself holds every role; machine clients hold their one role in their department.
     */
    public boolean holds(Caller caller, Role role, String department) {
        if (caller.roles().contains(Caller.ALL_RIGHTS)) {
            return true;
        }
        if (caller.subject().startsWith(CLIENT)) {
            return caller.roles().contains(role.id()) && caller.departments().contains(department);
        }
        if (ExternalIdentities.isExternal(caller.subject())) {
            return externalIdentities.grants(caller.subject()).orElse(List.of()).stream().anyMatch(grant ->
                    grant.appliesTo(caller.tenant()) && grant.role().equals(role.id())
                            && (grant.department().isEmpty() || grant.department().equals(department)));
        }
        if (!caller.subject().startsWith(ACCOUNT)) {
            return false;
        }
        String username = caller.subject().substring(ACCOUNT.length());
        return transactions.readOnly(connection -> {
            Optional<AccountStore.StoredAccount> account = accounts.byUsername(connection, username);
            return account.isPresent() && accounts.roles(connection, account.get().id()).stream().anyMatch(grant ->
                    grant.appliesTo(caller.tenant()) && grant.role().equals(role.id())
                            && (grant.department().isEmpty() || grant.department().equals(department)));
        });
    }

    /**
     * A caller as stored earlier (a subscription's owner) as it is now: an account's roles and departments in the
     * tenant, a client's role; empty when the account or client is disabled or gone. Someone of the external provider
     * holds what their latest token on this node gave them (as stored, before any since the start). Other callers are
     * as they were.
     */
    public Optional<Caller> current(Caller stored) {
        if (ExternalIdentities.isExternal(stored.subject())) {
            // The provider is not asked between tokens: without a recent one (a restart, another node, twelve hours
            // after the last expired) the person's subscriptions pause until they sign in again (fail closed).
            return externalIdentities.current(stored.subject(), clock.instant())
                    .map(identity -> callerOf(stored.subject(), identity.grants(), stored.tenant()));
        }
        if (stored.subject().startsWith(ACCOUNT)) {
            String username = stored.subject().substring(ACCOUNT.length());
            return transactions.readOnly(connection -> {
                Optional<AccountStore.StoredAccount> account = accounts.byUsername(connection, username).filter(found -> !found.disabled());
                if (account.isEmpty()) {
                    return Optional.<Caller>empty();
                }
                return Optional.of(accountCaller(connection, account.get(), stored.tenant()));
            });
        }
        if (stored.subject().startsWith(CLIENT)) {
            String id = stored.subject().substring(CLIENT.length());
            return transactions.readOnly(connection -> clients.find(connection, id)).filter(client -> !client.disabled())
                    .map(client -> clientCaller(client, stored.tenant()));
        }
        return Optional.of(stored);
    }

    /** Whether the tenant has the department. */
    public boolean departmentExists(String tenant, String department) {
        return transactions.readOnly(connection -> departments.find(connection, tenant, department).isPresent());
    }

    /** The signed-in caller's identity and every role it holds. */
    public Me me(Caller caller) {
        if (ExternalIdentities.isExternal(caller.subject())) {
            Optional<ExternalTokens.Identity> identity = externalIdentities.find(caller.subject());
            return new Me(caller.subject(), identity.map(ExternalTokens.Identity::username)
                    .orElse(caller.subject().substring(ExternalIdentities.PREFIX.length())), caller.tenant(),
                    caller.departments(), caller.roles(), identity.map(ExternalTokens.Identity::grants).orElse(List.of()));
        }
        if (caller.subject().startsWith(CLIENT)) {
            String id = caller.subject().substring(CLIENT.length());
            List<RoleGrant> grants = transactions.readOnly(connection -> clients.find(connection, id))
                    .map(client -> List.of(new RoleGrant(client.tenant(), client.department(), client.role()))).orElse(List.of());
            return new Me(caller.subject(), id, caller.tenant(), caller.departments(), caller.roles(), grants);
        }
        if (!caller.subject().startsWith(ACCOUNT)) {
            throw new MeridianException(IdentityError.INVALID_TOKEN, "Sign in first: POST /auth/token, then send Authorization: Bearer <token>");
        }
        String username = caller.subject().substring(ACCOUNT.length());
        List<RoleGrant> grants = transactions.readOnly(connection -> {
            Optional<AccountStore.StoredAccount> account = accounts.byUsername(connection, username);
            return account.isEmpty() ? List.<RoleGrant>of() : accounts.roles(connection, account.get().id());
        });
        return new Me(caller.subject(), username, caller.tenant(), caller.departments(), caller.roles(), grants);
    }
}
