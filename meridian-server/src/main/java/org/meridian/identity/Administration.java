package org.meridian.identity;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.meridian.core.error.MeridianException;
import org.meridian.core.security.Caller;
import org.meridian.core.security.Role;
import org.meridian.core.security.RoleGrant;
import org.meridian.identity.store.AccountStore;
import org.meridian.identity.store.AccountStore.StoredAccount;
import org.meridian.identity.store.ClientStore;
import org.meridian.identity.store.ClientStore.StoredClient;
import org.meridian.identity.store.DepartmentStore;
import org.meridian.identity.store.DepartmentStore.StoredDepartment;
import org.meridian.identity.store.SessionStore;
import org.meridian.platform.db.Transactions;

/**
 * Departments, people, their roles and machine clients, administered within the caller's reach: an operator of the
 * tenant (or of every tenant) reaches all of it; a department administrator reaches their own departments only — the
 * people whose every role lies there, the roles there, that department's machine clients — and can grant no role
 * outside them, nor operator. Each decision reads the administrator's roles from the database in the same transaction
 * as the change, so a role removed a moment ago grants nothing.
 */
public final class Administration {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{1,63}");
    static final int MIN_PASSWORD_LENGTH = 12;

    /** A department of the tenant. */
    public record Department(String id, String name) {
    }

    /** A person as the administration API shows them: their roles in the tenant asked about. */
    public record User(String username, String displayName, boolean disabled, List<RoleGrant> roles) {
    }

    /** A new or changed person (null members: left as they are, on a change). */
    public record UserChange(String displayName, String password, Boolean disabled) {
    }

    /** A machine client, and its secret once, when it is created or its secret replaced. */
    public record Client(String id, String department, String role, String description, boolean disabled, String secret) {
        /** The API key ({@code X-Api-Key}) when the secret is known: the client id and the secret. */
        public String apiKey() {
            return secret == null ? null : id + "." + secret;
        }
    }

    /** Whom the caller may administer in its tenant: everything, or these departments. */
    private record Reach(String tenant, boolean everything, Set<String> departments) {
        boolean covers(String department) {
            return everything || !department.isEmpty() && departments.contains(department);
        }
    }

    private final Transactions transactions;
    private final AccountStore accounts;
    private final DepartmentStore departments;
    private final ClientStore clients;
    private final SessionStore sessions;
    private final PasswordHasher hasher;
    private final ExternalIdentities externalIdentities;
    private final List<Runnable> changeListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Runs after a person's or a client's rights change (roles, disabled, deleted), on this node. */
    public void whenRightsChange(Runnable listener) {
        changeListeners.add(listener);
    }

    private <T> T rightsChanged(T result) {
        changeListeners.forEach(Runnable::run);
        return result;
    }

    Administration(Transactions transactions, AccountStore accounts, DepartmentStore departments, ClientStore clients,
                   SessionStore sessions, PasswordHasher hasher, ExternalIdentities externalIdentities) {
        this.externalIdentities = externalIdentities;
        this.transactions = transactions;
        this.accounts = accounts;
        this.departments = departments;
        this.clients = clients;
        this.sessions = sessions;
        this.hasher = hasher;
    }

    // ---- departments -------------------------------------------------------------------------------------------

    public List<Department> departments(Caller caller) {
        return transactions.readOnly(connection -> {
            reach(connection, caller);
            return departments.list(connection, caller.tenant()).stream().map(d -> new Department(d.id(), d.name())).toList();
        });
    }

    /** The tenant's departments' names by id, in order: what pages show in place of ids (names are no secret there). */
    public java.util.Map<String, String> departmentNames(String tenant) {
        java.util.Map<String, String> names = new java.util.LinkedHashMap<>();
        departments(Caller.system(tenant, "names")).forEach(department -> names.put(department.id(), department.name()));
        return names;
    }

    /** Creates or renames a department (operators only); returns whether it was new. */
    public boolean putDepartment(Caller caller, String id, String name) {
        checkName(id, "department id");
        if (name == null || name.isBlank() || name.length() > 200) {
            throw invalid("A department needs a name of 1 to 200 characters");
        }
        return transactions.inTransaction(connection -> {
            requireEverything(reach(connection, caller), "create or rename departments");
            return departments.upsert(connection, new StoredDepartment(caller.tenant(), id, name.strip()));
        });
    }

    public void deleteDepartment(Caller caller, String id) {
        transactions.inTransaction(connection -> {
            requireEverything(reach(connection, caller), "delete departments");
            if (departments.find(connection, caller.tenant(), id).isEmpty()) {
                throw notFound("department", id);
            }
            if (!departments.deleteIfUnused(connection, caller.tenant(), id)) {
                throw new MeridianException(IdentityError.ALREADY_EXISTS, "The department " + id
                        + " still has people or machine clients; remove their roles first");
            }
            return null;
        });
    }

    // ---- people ------------------------------------------------------------------------------------------------

    public List<User> users(Caller caller) {
        return transactions.readOnly(connection -> {
            Reach reach = reach(connection, caller);
            List<User> users = new ArrayList<>();
            for (StoredAccount account : accounts.inTenant(connection, reach.tenant(), null)) {
                List<RoleGrant> roles = rolesHere(connection, account, reach.tenant());
                if (reach.everything() || roles.stream().anyMatch(grant -> reach.covers(grant.department()))) {
                    users.add(new User(account.username(), account.displayName(), account.disabled(), roles));
                }
            }
            return users;
        });
    }

    public User user(Caller caller, String username) {
        return transactions.readOnly(connection -> {
            Reach reach = reach(connection, caller);
            StoredAccount account = visibleAccount(connection, reach, username);
            return new User(account.username(), account.displayName(), account.disabled(), rolesHere(connection, account, reach.tenant()));
        });
    }

    /** Creates a person with roles in the caller's tenant, each within the caller's reach. */
    public User createUser(Caller caller, String username, UserChange change, List<RoleGrant> roles) {
        checkName(username, "user name");
        checkPassword(change.password());
        String hash = hasher.hash(change.password());
        return transactions.inTransaction(connection -> {
            Reach reach = reach(connection, caller);
            List<RoleGrant> granted = checkGrantable(connection, reach, roles);
            if (granted.isEmpty() && !reach.everything()) {
                throw invalid("Give the person at least one role in your department");
            }
            UUID id = UUID.randomUUID();
            String displayName = change.displayName() == null ? "" : checkDisplayName(change.displayName());
            if (!accounts.create(connection, id, username, displayName, hash)) {
                throw new MeridianException(IdentityError.ALREADY_EXISTS, "A user named " + username + " exists");
            }
            for (RoleGrant grant : granted) {
                accounts.grant(connection, id, grant);
            }
            return new User(username, displayName, Boolean.TRUE.equals(change.disabled()), granted);
        });
    }

    /** Changes a person's name, password or whether they may sign in; a new password or disabling ends their sessions. */
    public User updateUser(Caller caller, String username, UserChange change) {
        if (change.password() != null) {
            checkPassword(change.password());
        }
        String hash = change.password() == null ? null : hasher.hash(change.password());
        return rightsChanged(transactions.inTransaction(connection -> {
            Reach reach = reach(connection, caller);
            StoredAccount account = governedAccount(connection, reach, caller, username);
            boolean disabled = change.disabled() == null ? account.disabled() : change.disabled();
            String displayName = change.displayName() == null ? account.displayName() : checkDisplayName(change.displayName());
            accounts.update(connection, account.id(), displayName, hash == null ? account.passwordHash() : hash, disabled);
            if (hash != null || disabled) {
                sessions.revokeAll(connection, account.id(), hash != null ? "password changed" : "account disabled");
            }
            return new User(username, displayName, disabled, rolesHere(connection, account, reach.tenant()));
        }));
    }

    /**
     * Replaces the person's roles in the caller's tenant within the caller's reach: an operator replaces all of them,
     * a department administrator those in their departments (roles elsewhere stay).
     */
    public User replaceRoles(Caller caller, String username, List<RoleGrant> roles) {
        return rightsChanged(transactions.inTransaction(connection -> {
            Reach reach = reach(connection, caller);
            // Only people already within reach: a department administrator adding a role to someone beyond it would
            // then govern them (their password included). Operators bring a person into another department.
            StoredAccount account = visibleAccount(connection, reach, username);
            if (account.username().equals(callerName(caller)) && !reach.everything()) {
                throw new MeridianException(IdentityError.NOT_YOUR_DEPARTMENT, "You may not change your own roles");
            }
            List<RoleGrant> granted = checkGrantable(connection, reach, roles);
            if (reach.everything()) {
                accounts.revokeRoles(connection, account.id(), reach.tenant(), null);
            } else {
                for (String department : reach.departments()) {
                    accounts.revokeRoles(connection, account.id(), reach.tenant(), department);
                }
            }
            for (RoleGrant grant : granted) {
                accounts.grant(connection, account.id(), grant);
            }
            return new User(account.username(), account.displayName(), account.disabled(), rolesHere(connection, account, reach.tenant()));
        }));
    }

    public void deleteUser(Caller caller, String username) {
        rightsChanged(transactions.inTransaction(connection -> {
            Reach reach = reach(connection, caller);
            accounts.delete(connection, governedAccount(connection, reach, caller, username).id());
            return null;
        }));
    }

    // ---- machine clients ---------------------------------------------------------------------------------------

    public List<Client> clients(Caller caller) {
        return transactions.readOnly(connection -> {
            Reach reach = reach(connection, caller);
            return clients.list(connection, reach.tenant(), null).stream().filter(client -> reach.covers(client.department()))
                    .map(client -> client(client, null)).toList();
        });
    }

    public Client client(Caller caller, String id) {
        return transactions.readOnly(connection -> client(governedClient(connection, reach(connection, caller), id), null));
    }

    /** Creates a machine client; the answer carries its secret, shown this once. */
    public Client createClient(Caller caller, String id, String department, String role, String description) {
        checkName(id, "client id");
        String dept = department == null ? "" : department;
        Role kind = Role.of(role == null ? Role.SYSTEM.id() : role).filter(r -> r.kind() == Role.Kind.MACHINE)
                .orElseThrow(() -> invalid("A machine client's role is one of " + machineRoles()));
        String secret = OpaqueSecrets.generate();
        return transactions.inTransaction(connection -> {
            Reach reach = reach(connection, caller);
            if (!reach.covers(dept) || kind == Role.MONITOR && !reach.everything()) {
                throw new MeridianException(IdentityError.NOT_YOUR_DEPARTMENT,
                        "You may create machine clients with the role system in your departments " + reach.departments() + " only");
            }
            requireDepartment(connection, reach.tenant(), dept);
            StoredClient client = new StoredClient(id, reach.tenant(), dept, kind.id(), description == null ? "" : checkDisplayName(description),
                    OpaqueSecrets.hash(secret), false);
            if (!clients.create(connection, client)) {
                throw new MeridianException(IdentityError.ALREADY_EXISTS, "A machine client named " + id + " exists");
            }
            return client(client, secret);
        });
    }

    public Client updateClient(Caller caller, String id, String description, Boolean disabled) {
        return rightsChanged(transactions.inTransaction(connection -> {
            StoredClient client = governedClient(connection, reach(connection, caller), id);
            String newDescription = description == null ? client.description() : checkDisplayName(description);
            boolean newDisabled = disabled == null ? client.disabled() : disabled;
            clients.update(connection, id, newDescription, newDisabled);
            return new Client(id, client.department(), client.role(), newDescription, newDisabled, null);
        }));
    }

    /** Replaces the client's secret (the old one stops working at once); the answer carries the new one, once. */
    public Client replaceSecret(Caller caller, String id) {
        String secret = OpaqueSecrets.generate();
        return transactions.inTransaction(connection -> {
            StoredClient client = governedClient(connection, reach(connection, caller), id);
            clients.replaceSecret(connection, id, OpaqueSecrets.hash(secret));
            return client(client, secret);
        });
    }

    public void deleteClient(Caller caller, String id) {
        rightsChanged(transactions.inTransaction(connection -> {
            governedClient(connection, reach(connection, caller), id);
            clients.delete(connection, id);
            return null;
        }));
    }

    // ---- reach -------------------------------------------------------------------------------------------------

    /**
     * What the caller may administer in its tenant, from its roles as stored now (an operator of the tenant or of
     * every tenant: everything; a department administrator: their departments; a machine: nothing).
     */
    private Reach reach(Connection connection, Caller caller) throws SQLException {
        if (caller.roles().contains(Caller.ALL_RIGHTS)) {
            return new Reach(caller.tenant(), true, Set.of());
        }
        Optional<StoredAccount> account = caller.subject().startsWith("account:")
                ? accounts.byUsername(connection, callerName(caller)) : Optional.empty();
        List<RoleGrant> grants = account.isPresent() ? accounts.roles(connection, account.get().id())
                : externalIdentities.grants(caller.subject()).orElse(List.of());
        boolean operator = grants.stream().anyMatch(g -> g.appliesTo(caller.tenant()) && g.role().equals(Role.OPERATOR.id()));
        Set<String> administered = grants.stream()
                .filter(g -> g.appliesTo(caller.tenant()) && g.role().equals(Role.DEPARTMENT_ADMIN.id()) && !g.department().isEmpty())
                .map(RoleGrant::department).collect(Collectors.toUnmodifiableSet());
        if (!operator && administered.isEmpty()) {
            throw new MeridianException(IdentityError.NOT_YOUR_DEPARTMENT, "Only operators and department administrators administer");
        }
        return new Reach(caller.tenant(), operator, administered);
    }

    private static String callerName(Caller caller) {
        return caller.subject().startsWith("account:") ? caller.subject().substring("account:".length()) : caller.subject();
    }

    private static void requireEverything(Reach reach, String what) {
        if (!reach.everything()) {
            throw new MeridianException(IdentityError.NOT_YOUR_DEPARTMENT, "Only operators may " + what);
        }
    }

    /** The roles, checked: each a role of people, in an existing department, and one the caller may grant. */
    private List<RoleGrant> checkGrantable(Connection connection, Reach reach, List<RoleGrant> roles) throws SQLException {
        List<RoleGrant> checked = new ArrayList<>();
        for (RoleGrant wanted : roles) {
            Role role = Role.of(wanted.role()).filter(r -> r.kind() == Role.Kind.PERSON)
                    .orElseThrow(() -> invalid("'" + wanted.role() + "' is not a role of people; the roles are " + personRoles()));
            String department = wanted.department() == null ? "" : wanted.department();
            if (!reach.covers(department) || role == Role.OPERATOR && !reach.everything()) {
                throw new MeridianException(IdentityError.NOT_YOUR_DEPARTMENT, "You may not grant " + role.id()
                        + (department.isEmpty() ? " across the tenant" : " in department " + department));
            }
            requireDepartment(connection, reach.tenant(), department);
            checked.add(new RoleGrant(reach.tenant(), department, role.id()));
        }
        return checked;
    }

    private void requireDepartment(Connection connection, String tenant, String department) throws SQLException {
        if (!department.isEmpty() && departments.find(connection, tenant, department).isEmpty()) {
            throw invalid("There is no department " + department + " in this tenant; create it first");
        }
    }

    private List<RoleGrant> rolesHere(Connection connection, StoredAccount account, String tenant) throws SQLException {
        return accounts.roles(connection, account.id()).stream().filter(grant -> grant.appliesTo(tenant)).toList();
    }

    /** The account, if the caller may see it: everyone for operators, people with a role in their departments else. */
    private StoredAccount visibleAccount(Connection connection, Reach reach, String username) throws SQLException {
        Optional<StoredAccount> account = accounts.byUsername(connection, username);
        if (account.isPresent() && (reach.everything()
                || rolesHere(connection, account.get(), reach.tenant()).stream().anyMatch(g -> reach.covers(g.department())))) {
            return account.get();
        }
        throw notFound("user", username);
    }

    /**
     * The account, if the caller may change it: every role it holds (in any tenant) within the caller's reach, so that
     * no department administrator can take over an operator or another department's person; never oneself to delete
     * or disable (a platform must keep an operator).
     */
    private StoredAccount governedAccount(Connection connection, Reach reach, Caller caller, String username) throws SQLException {
        StoredAccount account = visibleAccount(connection, reach, username);
        for (RoleGrant grant : accounts.roles(connection, account.id())) {
            boolean inReach = grant.tenant().equals(reach.tenant()) && reach.covers(grant.department())
                    && (reach.everything() || !grant.role().equals(Role.OPERATOR.id()));
            boolean everyTenantOperator = grant.tenant().equals(RoleGrant.EVERY_TENANT);
            if (!inReach && !(everyTenantOperator && isEveryTenantOperator(connection, caller))) {
                throw new MeridianException(IdentityError.NOT_YOUR_DEPARTMENT, username
                        + " holds roles beyond what you administer; an operator of every tenant can change them");
            }
        }
        if (account.username().equals(callerName(caller))) {
            throw new MeridianException(IdentityError.NOT_YOUR_DEPARTMENT,
                    "Change your own account through another operator (so that no one locks themselves out)");
        }
        return account;
    }

    private boolean isEveryTenantOperator(Connection connection, Caller caller) throws SQLException {
        if (caller.roles().contains(Caller.ALL_RIGHTS)) {
            return true;
        }
        Optional<StoredAccount> account = accounts.byUsername(connection, callerName(caller));
        return account.isPresent() && accounts.roles(connection, account.get().id()).stream()
                .anyMatch(g -> g.tenant().equals(RoleGrant.EVERY_TENANT) && g.role().equals(Role.OPERATOR.id()));
    }

    private StoredClient governedClient(Connection connection, Reach reach, String id) throws SQLException {
        return clients.find(connection, id).filter(client -> client.tenant().equals(reach.tenant()) && reach.covers(client.department()))
                .orElseThrow(() -> notFound("machine client", id));
    }

    private static Client client(StoredClient client, String secret) {
        return new Client(client.id(), client.department(), client.role(), client.description(), client.disabled(), secret);
    }

    // ---- input -------------------------------------------------------------------------------------------------

    private static void checkName(String name, String what) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw invalid("A " + what + " is 2 to 64 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
    }

    private static String checkDisplayName(String text) {
        if (text.length() > 200 || text.chars().anyMatch(Character::isISOControl)) {
            throw invalid("Names and descriptions are at most 200 characters, without control characters");
        }
        return text.strip();
    }

    static void checkPassword(String password) {
        if (password == null || password.length() < MIN_PASSWORD_LENGTH || password.length() > 1024) {
            throw invalid("A password is " + MIN_PASSWORD_LENGTH + " to 1024 characters");
        }
    }

    private static String personRoles() {
        return java.util.Arrays.stream(Role.values()).filter(r -> r.kind() == Role.Kind.PERSON).map(Role::id).toList().toString();
    }

    private static String machineRoles() {
        return java.util.Arrays.stream(Role.values()).filter(r -> r.kind() == Role.Kind.MACHINE).map(Role::id).toList().toString();
    }

    private static MeridianException invalid(String detail) {
        return new MeridianException(IdentityError.INVALID_INPUT, detail);
    }

    private static MeridianException notFound(String what, String id) {
        return new MeridianException(IdentityError.NOT_FOUND, "No " + what + " " + id + " here (or not one you administer)");
    }
}
