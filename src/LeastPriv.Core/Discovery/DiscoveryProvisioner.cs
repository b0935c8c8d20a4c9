using System.Security;
using System.Text.Json;
using LeastPriv.Core.Aws;
using LeastPriv.Core.Reporting;

namespace LeastPriv.Core.Discovery;

/// <summary>What New-LPDiscoveryUser asks for.</summary>
public sealed class DiscoveryUserRequest
{
    public const string DefaultPolicyArn = "arn:aws:iam::aws:policy/AdministratorAccess";

    public string UserName { get; set; } = string.Empty;

    public string PolicyArn { get; set; } = DefaultPolicyArn;

    public string? PermissionsBoundary { get; set; }

    public string? Path { get; set; }

    public IList<AwsTag> Tags { get; set; } = new List<AwsTag>();

    /// <summary>Adopt a user of that name that already exists (tag it, give it a new key).</summary>
    public bool Force { get; set; }

    /// <summary>How long to wait for the new access key to authenticate (IAM eventual consistency).</summary>
    public TimeSpan KeyPropagationTimeout { get; set; } = TimeSpan.FromMinutes(2);
}

/// <summary>What New-LPDiscoveryRole asks for.</summary>
public sealed class DiscoveryRoleRequest
{
    public string RoleName { get; set; } = string.Empty;

    /// <summary>Who may assume the role; the caller's ARN when null.</summary>
    public string? TrustPrincipal { get; set; }

    public string PolicyArn { get; set; } = DiscoveryUserRequest.DefaultPolicyArn;

    public string? PermissionsBoundary { get; set; }

    public string? Path { get; set; }

    public int? MaxSessionDuration { get; set; }

    public IList<AwsTag> Tags { get; set; } = new List<AwsTag>();

    public bool Force { get; set; }
}

/// <summary>
/// Creates the dedicated discovery principal of a session. Every resource is written to the
/// session manifest before it is created and tagged <c>leastpriv:session=&lt;id&gt;</c>, so a
/// crash at any point leaves a manifest Remove-LPDiscoveryResources can clean up from.
/// </summary>
public sealed class DiscoveryProvisioner
{
    /// <summary>Stable progress activity id of the key wait.</summary>
    public const int KeyWaitActivityId = 0x4C50_0001;

    /// <summary>The key wait's back-off: 0.5 s, doubled per refusal, at most 4 s.</summary>
    private static readonly PollSchedule KeyWaitSchedule = new() { Initial = TimeSpan.FromMilliseconds(500), Factor = 2, Max = TimeSpan.FromSeconds(4) };

    private readonly AwsContext _context;
    private readonly IIamApi _iam;
    private readonly SessionStore _store;
    private readonly ICallerIdentityLookup _identity;
    private readonly IEngineReporter _reporter;

    public DiscoveryProvisioner(AwsContext context, IIamApi iam, SessionStore store, IEngineReporter reporter, ICallerIdentityLookup? identity = null)
    {
        _context = context;
        _iam = iam;
        _store = store;
        _reporter = reporter;
        _identity = identity ?? StsCallerIdentityLookup.Instance;
    }

    /// <summary>Checks a user request; throws the typed error of the first bad value. No AWS call.</summary>
    public static void Validate(DiscoveryUserRequest request)
    {
        DiscoveryValidation.UserName(request.UserName);
        DiscoveryValidation.Path(request.Path);
        DiscoveryValidation.ManagedPolicyArn(request.PolicyArn, "PolicyArn");
        if (request.PermissionsBoundary is not null)
        {
            DiscoveryValidation.ManagedPolicyArn(request.PermissionsBoundary, "PermissionsBoundary");
        }

        DiscoveryValidation.Tags(request.Tags.ToList());
    }

    public static void Validate(DiscoveryRoleRequest request)
    {
        DiscoveryValidation.RoleName(request.RoleName);
        DiscoveryValidation.Path(request.Path);
        DiscoveryValidation.ManagedPolicyArn(request.PolicyArn, "PolicyArn");
        if (request.PermissionsBoundary is not null)
        {
            DiscoveryValidation.ManagedPolicyArn(request.PermissionsBoundary, "PermissionsBoundary");
        }

        if (request.TrustPrincipal is not null)
        {
            DiscoveryValidation.TrustPrincipal(request.TrustPrincipal);
        }

        DiscoveryValidation.MaxSessionDuration(request.MaxSessionDuration);
        DiscoveryValidation.Tags(request.Tags.ToList());
    }

    /// <summary>
    /// Creates (or with Force adopts) the user, attaches the policy, sets the boundary, creates one
    /// access key and waits until that key authenticates. Null when ShouldProcess declined (-WhatIf):
    /// then nothing was called and no manifest was written.
    /// </summary>
    public async Task<LPDiscoveryUser?> CreateUserAsync(DiscoveryUserRequest request, CancellationToken cancellationToken)
    {
        Validate(request);
        var target = $"IAM user '{request.UserName}'";
        var action = $"Create discovery user with policy {request.PolicyArn}" + (request.PermissionsBoundary is null ? string.Empty : $", boundary {request.PermissionsBoundary}") + " and an access key";
        if (!_reporter.ShouldProcess(target, action))
        {
            return null;
        }

        var caller = await _identity.GetAsync(_context, cancellationToken).ConfigureAwait(false);
        var existing = await TryGetUserAsync(request.UserName, cancellationToken).ConfigureAwait(false);
        if (existing is not null && !request.Force)
        {
            throw new LeastPrivException(
                "DiscoveryUserExists",
                LPErrorCategory.ResourceExists,
                $"The IAM user '{request.UserName}' already exists ({existing.Arn}). A discovery user must do nothing else than the workload under discovery.",
                request.UserName)
            {
                RecommendedAction = "Choose another -UserName, or pass -Force to adopt the existing user into a new session (it is deleted at cleanup).",
            };
        }

        var recorder = NewSession(caller, "User", request.UserName);
        var manifest = recorder.Manifest;
        _reporter.Verbose($"Discovery session {manifest.SessionId}: manifest {_store.PathOf(manifest.SessionId)}.");
        var tags = new List<AwsTag>(request.Tags) { recorder.SessionTag };

        IamUser user;
        if (existing is null)
        {
            var entry = recorder.Plan(DiscoveryResourceType.User, request.UserName);
            user = await recorder.CreateAsync(
                entry,
                () => _iam.CreateUserAsync(
                    new IamCreateUserRequest { UserName = request.UserName, Path = request.Path, PermissionsBoundary = request.PermissionsBoundary, Tags = tags },
                    cancellationToken),
                u =>
                {
                    entry.Arn = u.Arn;
                    manifest.PrincipalArn = u.Arn;
                }).ConfigureAwait(false);
            _reporter.Verbose($"Created IAM user {user.Arn}, tagged {recorder.SessionTag}.");
            if (request.PermissionsBoundary is not null)
            {
                // Set by CreateUser itself, so the user never exists without it; recorded for the audit trail.
                var boundary = recorder.Plan(DiscoveryResourceType.UserPermissionsBoundary, request.PermissionsBoundary, request.UserName);
                recorder.Mark(boundary, DiscoveryResourceState.Created);
            }
        }
        else
        {
            user = existing;
            manifest.PrincipalArn = existing.Arn;
            var entry = recorder.Plan(DiscoveryResourceType.User, request.UserName, arn: existing.Arn, adopted: true);
            await recorder.CreateAsync(entry, () => _iam.TagUserAsync(request.UserName, tags, cancellationToken)).ConfigureAwait(false);
            _reporter.Warning($"Adopted the existing IAM user {existing.Arn} into session {manifest.SessionId}; Remove-LPDiscoveryResources deletes it with everything attached to it.");
            if (request.PermissionsBoundary is not null)
            {
                var boundary = recorder.Plan(DiscoveryResourceType.UserPermissionsBoundary, request.PermissionsBoundary, request.UserName);
                await recorder.CreateAsync(boundary, () => _iam.PutUserPermissionsBoundaryAsync(request.UserName, request.PermissionsBoundary, cancellationToken)).ConfigureAwait(false);
            }
        }

        var attachment = recorder.Plan(DiscoveryResourceType.UserPolicyAttachment, request.PolicyArn, request.UserName, request.PolicyArn);
        await recorder.CreateAsync(attachment, () => _iam.AttachUserPolicyAsync(request.UserName, request.PolicyArn, cancellationToken)).ConfigureAwait(false);
        _reporter.Verbose($"Attached {request.PolicyArn} to {request.UserName}.");

        // The key id is only known after the call: the Planned entry names the user, and cleanup
        // deletes every key of a session's user, so a key created just before a crash is found too.
        var keyEntry = recorder.Plan(DiscoveryResourceType.AccessKey, null, request.UserName);
        var key = await recorder.CreateAsync(
            keyEntry,
            () => _iam.CreateAccessKeyAsync(request.UserName, cancellationToken),
            k => keyEntry.Name = k.AccessKeyId).ConfigureAwait(false);
        _reporter.Verbose($"Created access key {key.AccessKeyId} for {request.UserName}.");

        var secret = ToSecureString(key.SecretAccessKey);
        await WaitForKeyAsync(user.Arn, key, request.KeyPropagationTimeout, cancellationToken).ConfigureAwait(false);

        return new LPDiscoveryUser
        {
            UserName = user.UserName,
            Arn = user.Arn,
            AccountId = caller.Account,
            AccessKeyId = key.AccessKeyId,
            SecretAccessKey = secret,
            SessionId = manifest.SessionId,
            CreatedAt = manifest.CreatedAt,
            Region = _context.Region,
            PolicyArn = request.PolicyArn,
            PermissionsBoundary = request.PermissionsBoundary,
            Adopted = existing is not null,
        };
    }

    /// <summary>Creates (or with Force adopts) the role with a trust policy for the trust principal and attaches the policy.</summary>
    public async Task<LPDiscoveryRole?> CreateRoleAsync(DiscoveryRoleRequest request, CancellationToken cancellationToken)
    {
        Validate(request);
        var target = $"IAM role '{request.RoleName}'";
        var action = $"Create discovery role with policy {request.PolicyArn}, assumable by {request.TrustPrincipal ?? "the caller"}";
        if (!_reporter.ShouldProcess(target, action))
        {
            return null;
        }

        var caller = await _identity.GetAsync(_context, cancellationToken).ConfigureAwait(false);
        var trust = request.TrustPrincipal ?? caller.Arn;
        var existing = await TryGetRoleAsync(request.RoleName, cancellationToken).ConfigureAwait(false);
        if (existing is not null && !request.Force)
        {
            throw new LeastPrivException(
                "DiscoveryRoleExists",
                LPErrorCategory.ResourceExists,
                $"The IAM role '{request.RoleName}' already exists ({existing.Arn}). A discovery role must do nothing else than the workload under discovery.",
                request.RoleName)
            {
                RecommendedAction = "Choose another -RoleName, or pass -Force to adopt the existing role into a new session (it is deleted at cleanup).",
            };
        }

        var recorder = NewSession(caller, "Role", request.RoleName);
        var manifest = recorder.Manifest;
        _reporter.Verbose($"Discovery session {manifest.SessionId}: manifest {_store.PathOf(manifest.SessionId)}.");
        var tags = new List<AwsTag>(request.Tags) { recorder.SessionTag };

        IamRole role;
        if (existing is null)
        {
            var entry = recorder.Plan(DiscoveryResourceType.Role, request.RoleName);
            role = await recorder.CreateAsync(
                entry,
                () => _iam.CreateRoleAsync(
                    new IamCreateRoleRequest
                    {
                        RoleName = request.RoleName,
                        Path = request.Path,
                        AssumeRolePolicyDocument = TrustPolicy(trust),
                        Description = $"LeastPriv discovery role of session {manifest.SessionId}",
                        MaxSessionDuration = request.MaxSessionDuration,
                        PermissionsBoundary = request.PermissionsBoundary,
                        Tags = tags,
                    },
                    cancellationToken),
                r =>
                {
                    entry.Arn = r.Arn;
                    manifest.PrincipalArn = r.Arn;
                }).ConfigureAwait(false);
            _reporter.Verbose($"Created IAM role {role.Arn} assumable by {trust}, tagged {recorder.SessionTag}.");
        }
        else
        {
            role = existing;
            manifest.PrincipalArn = existing.Arn;
            var entry = recorder.Plan(DiscoveryResourceType.Role, request.RoleName, arn: existing.Arn, adopted: true);
            await recorder.CreateAsync(entry, () => _iam.TagRoleAsync(request.RoleName, tags, cancellationToken)).ConfigureAwait(false);
            _reporter.Warning($"Adopted the existing IAM role {existing.Arn} into session {manifest.SessionId}; its trust policy and boundary are left as they are, and Remove-LPDiscoveryResources deletes it.");
        }

        var attachment = recorder.Plan(DiscoveryResourceType.RolePolicyAttachment, request.PolicyArn, request.RoleName, request.PolicyArn);
        await recorder.CreateAsync(attachment, () => _iam.AttachRolePolicyAsync(request.RoleName, request.PolicyArn, cancellationToken)).ConfigureAwait(false);
        _reporter.Verbose($"Attached {request.PolicyArn} to role {request.RoleName}.");

        return new LPDiscoveryRole
        {
            RoleName = role.RoleName,
            Arn = role.Arn,
            AccountId = caller.Account,
            TrustPrincipal = trust,
            SessionId = manifest.SessionId,
            CreatedAt = manifest.CreatedAt,
            Region = _context.Region,
            PolicyArn = request.PolicyArn,
            PermissionsBoundary = existing is null ? request.PermissionsBoundary : existing.PermissionsBoundaryArn,
            MaxSessionDuration = role.MaxSessionDuration ?? request.MaxSessionDuration,
            Adopted = existing is not null,
        };
    }

    /// <summary>
    /// Creates the temporary user of a verification run (Test-LPPolicy -ScriptBlock) in a session
    /// of its own: tagged with that session's id, holding only <paramref name="policy"/> (one
    /// inline policy when it fits the user inline quota of 2,048 characters, else customer
    /// managed policies of at most 6,144 characters each, attached), and one access key that is
    /// waited for until it authenticates. <paramref name="onSession"/> gets the manifest as soon
    /// as it exists, so the caller can clean up even when a later step fails.
    /// </summary>
    public async Task<LPDiscoveryUser> CreateVerificationUserAsync(
        string userName,
        Policy.PolicyDocument policy,
        Action<SessionManifest> onSession,
        TimeSpan keyPropagationTimeout,
        CancellationToken cancellationToken)
    {
        DiscoveryValidation.UserName(userName);
        var caller = await _identity.GetAsync(_context, cancellationToken).ConfigureAwait(false);
        var recorder = NewSession(caller, "User", userName);
        var manifest = recorder.Manifest;
        onSession(manifest);
        _reporter.Verbose($"Verification session {manifest.SessionId}: manifest {_store.PathOf(manifest.SessionId)}.");
        var tags = new List<AwsTag> { recorder.SessionTag };

        var userEntry = recorder.Plan(DiscoveryResourceType.User, userName);
        var user = await recorder.CreateAsync(
            userEntry,
            () => _iam.CreateUserAsync(new IamCreateUserRequest { UserName = userName, Tags = tags }, cancellationToken),
            u =>
            {
                userEntry.Arn = u.Arn;
                manifest.PrincipalArn = u.Arn;
            }).ConfigureAwait(false);
        _reporter.Verbose($"Created temporary IAM user {user.Arn}, tagged {recorder.SessionTag}.");

        if (policy.IamSize <= Policy.Split.PolicySizeLimits.UserInline)
        {
            const string policyName = "LeastPrivVerification";
            var inline = recorder.Plan(DiscoveryResourceType.UserInlinePolicy, policyName, userName);
            await recorder.CreateAsync(inline, () => _iam.PutUserPolicyAsync(userName, policyName, policy.ToJson(), cancellationToken)).ConfigureAwait(false);
            _reporter.Verbose($"Put the policy ({policy.IamSize} characters) as inline policy {policyName} of {userName}.");
        }
        else
        {
            var parts = Policy.Split.PolicySplitter.Split(policy, LPPolicyTarget.Managed).Parts;
            for (var i = 0; i < parts.Count; i++)
            {
                var name = $"{userName}-{i + 1}";
                var managed = recorder.Plan(DiscoveryResourceType.ManagedPolicy, name);
                var created = await recorder.CreateAsync(
                    managed,
                    () => _iam.CreatePolicyAsync(
                        new IamCreatePolicyRequest
                        {
                            PolicyName = name,
                            PolicyDocument = parts[i].ToJson(),
                            Description = $"LeastPriv verification policy, part {i + 1} of {parts.Count}, session {manifest.SessionId}",
                            Tags = tags,
                        },
                        cancellationToken),
                    p => managed.Arn = p.Arn).ConfigureAwait(false);
                var attachment = recorder.Plan(DiscoveryResourceType.UserPolicyAttachment, created.Arn, userName, created.Arn);
                await recorder.CreateAsync(attachment, () => _iam.AttachUserPolicyAsync(userName, created.Arn, cancellationToken)).ConfigureAwait(false);
            }

            _reporter.Verbose($"The policy ({policy.IamSize} characters) exceeds the user inline quota; attached it to {userName} as {parts.Count} managed policies.");
        }

        var keyEntry = recorder.Plan(DiscoveryResourceType.AccessKey, null, userName);
        var key = await recorder.CreateAsync(
            keyEntry,
            () => _iam.CreateAccessKeyAsync(userName, cancellationToken),
            k => keyEntry.Name = k.AccessKeyId).ConfigureAwait(false);
        _reporter.Verbose($"Created access key {key.AccessKeyId} for {userName}.");
        var secret = ToSecureString(key.SecretAccessKey);
        await WaitForKeyAsync(user.Arn, key, keyPropagationTimeout, cancellationToken).ConfigureAwait(false);

        return new LPDiscoveryUser
        {
            UserName = user.UserName,
            Arn = user.Arn,
            AccountId = caller.Account,
            AccessKeyId = key.AccessKeyId,
            SecretAccessKey = secret,
            SessionId = manifest.SessionId,
            CreatedAt = manifest.CreatedAt,
            Region = _context.Region,
        };
    }

    /// <summary>The trust policy letting one principal call sts:AssumeRole.</summary>
    public static string TrustPolicy(string principalArn)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("Version", "2012-10-17");
            w.WriteStartArray("Statement");
            w.WriteStartObject();
            w.WriteString("Effect", "Allow");
            w.WriteStartObject("Principal");
            w.WriteString("AWS", principalArn);
            w.WriteEndObject();
            w.WriteString("Action", "sts:AssumeRole");
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private SessionRecorder NewSession(CallerIdentity caller, string principalType, string principalName)
    {
        var now = DateTimeOffset.UtcNow;
        var manifest = new SessionManifest
        {
            SessionId = SessionStore.NewSessionId(now),
            State = DiscoverySessionState.Active,
            CreatedAt = now,
            AccountId = caller.Account,
            Region = _context.Region,
            PrincipalType = principalType,
            PrincipalName = principalName,
            CreatedBy = caller.Arn,
        };
        var recorder = new SessionRecorder(_store, manifest);
        recorder.Save();
        return recorder;
    }

    /// <summary>
    /// IAM is eventually consistent: a new key can be rejected for several seconds
    /// (https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_general.html#troubleshoot_general_eventual-consistency).
    /// Polls GetCallerIdentity with the new key, with back-off and progress, until it answers
    /// with the user's ARN or the timeout passes.
    /// </summary>
    private Task WaitForKeyAsync(string userArn, IamAccessKey key, TimeSpan timeout, CancellationToken cancellationToken)
        => WaitForCredentialsAsync(_context, _identity, _reporter, userArn, key.AccessKeyId, key.SecretAccessKey, null, timeout, cancellationToken);

    /// <summary>
    /// The same wait for any new credentials (a user's key, an assumed role's session): polls
    /// GetCallerIdentity with them until they answer as <paramref name="expectedArn"/>.
    /// </summary>
    public static async Task WaitForCredentialsAsync(
        AwsContext context,
        ICallerIdentityLookup identity,
        IEngineReporter reporter,
        string expectedArn,
        string accessKeyId,
        string secretAccessKey,
        string? sessionToken,
        TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        var keyContext = context.WithCredentials(accessKeyId, secretAccessKey, sessionToken, TimeSpan.Zero, $"new credentials {accessKeyId}");
        var wait = new PolledWait(reporter, KeyWaitActivityId, "Waiting for the new access key to authenticate")
        {
            Schedule = KeyWaitSchedule,
            Deadline = DateTimeOffset.UtcNow + timeout,
            // A refused key may be accepted a moment later: poll until a refusal comes after the timeout.
            StopBeforeDeadline = false,
        };
        AwsServiceException? refused = null;
        await wait.RunAsync<CallerIdentity>(
            async (poll, ct) =>
            {
                poll.Report($"Access key {accessKeyId}: attempt {poll.Number}, {poll.Elapsed.TotalSeconds:0} s");
                CallerIdentity who;
                try
                {
                    who = await identity.GetAsync(keyContext, ct).ConfigureAwait(false);
                }
                catch (AwsServiceException ex) when (IsNotYetKnown(ex))
                {
                    refused = ex;
                    return null;
                }

                if (!string.Equals(who.Arn, expectedArn, StringComparison.Ordinal))
                {
                    throw new LeastPrivException(
                        "DiscoveryKeyIdentityMismatch",
                        LPErrorCategory.InvalidResult,
                        $"The new access key {accessKeyId} authenticates as {who.Arn}, not as {expectedArn}.",
                        accessKeyId);
                }

                reporter.Verbose($"Access key {accessKeyId} authenticates as {who.Arn} after {poll.Elapsed.TotalSeconds:0.#} s ({poll.Number} attempt(s)).");
                return who;
            },
            _ => new LeastPrivException(
                "DiscoveryKeyNotAuthenticated",
                LPErrorCategory.OperationTimeout,
                $"The new access key {accessKeyId} was still rejected ({refused!.ErrorCode}) after {timeout.TotalSeconds:0} s. The user and key exist and are recorded in the session manifest.",
                accessKeyId,
                refused)
            {
                RecommendedAction = "Remove the session's resources with Remove-LPDiscoveryResources -SessionId, or retry later.",
            },
            cancellationToken,
            delay => reporter.Debug($"Access key {accessKeyId} not accepted yet ({refused!.ErrorCode}); next try in {delay.TotalSeconds:0.#} s.")).ConfigureAwait(false);
    }

    private static bool IsNotYetKnown(AwsServiceException ex)
        => AwsErrorMapping.IsUnknownAccessKey(ex.ErrorCode) || ex.NormalizedCode is "SignatureDoesNotMatch" or "AuthFailure";

    private async Task<IamUser?> TryGetUserAsync(string userName, CancellationToken cancellationToken)
    {
        try
        {
            return await _iam.GetUserAsync(userName, cancellationToken).ConfigureAwait(false);
        }
        catch (AwsServiceException ex) when (ex.NormalizedCode == "NoSuchEntity")
        {
            return null;
        }
    }

    private async Task<IamRole?> TryGetRoleAsync(string roleName, CancellationToken cancellationToken)
    {
        try
        {
            return await _iam.GetRoleAsync(roleName, cancellationToken).ConfigureAwait(false);
        }
        catch (AwsServiceException ex) when (ex.NormalizedCode == "NoSuchEntity")
        {
            return null;
        }
    }

    private static SecureString ToSecureString(string value)
    {
        var secure = new SecureString();
        foreach (var c in value)
        {
            secure.AppendChar(c);
        }

        secure.MakeReadOnly();
        return secure;
    }
}
