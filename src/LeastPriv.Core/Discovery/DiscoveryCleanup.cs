using LeastPriv.Core.Aws;
using LeastPriv.Core.Reporting;

namespace LeastPriv.Core.Discovery;

/// <summary>How Remove-LPDiscoveryResources runs.</summary>
public sealed class DiscoveryCleanupOptions
{
    /// <summary>Keep the trail, its bucket and the Access Analyzer service role (logs stay for later generation).</summary>
    public bool KeepTrail { get; set; }

    /// <summary>After the manifest, look for users and roles tagged with the session id that it missed.</summary>
    public bool TagSweep { get; set; } = true;
}

/// <summary>
/// Deletes everything a session owns: the manifest's resources in <see cref="CleanupOrder"/>,
/// anything still attached to a principal being deleted, and finally every user and role tagged
/// <c>leastpriv:session=&lt;id&gt;</c> that the manifest missed. One ShouldProcess per resource;
/// "already gone" (NoSuchEntity) is success; a failure is reported and the rest goes on. The
/// manifest records every outcome and is marked Removed when nothing is left.
/// </summary>
public sealed class DiscoveryCleanup
{
    private readonly IIamApi _iam;
    private readonly SessionStore _store;
    private readonly IEngineReporter _reporter;
    private readonly TrailTeardown? _trail;

    /// <summary>Cleanup through IAM; with <paramref name="trail"/> also of trails and buckets (reported as Skipped without it).</summary>
    public DiscoveryCleanup(IIamApi iam, SessionStore store, IEngineReporter reporter, TrailTeardown? trail = null)
    {
        _iam = iam;
        _store = store;
        _reporter = reporter;
        _trail = trail;
    }

    public async Task<IReadOnlyList<LPCleanupResult>> RemoveAsync(
        SessionManifest manifest,
        DiscoveryCleanupOptions options,
        Action<LPCleanupResult>? onResult,
        CancellationToken cancellationToken)
    {
        var run = new Run(this, new SessionRecorder(_store, manifest), options, onResult, cancellationToken);
        foreach (var resource in CleanupOrder.Sort(manifest.Resources.ToList()))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (options.KeepTrail && CleanupOrder.IsTrailResource(resource, manifest.Resources))
            {
                run.Report(resource, LPCleanupAction.Skipped, "Manifest", "Kept (-KeepTrail).");
                continue;
            }

            await run.RemoveAsync(resource, "Manifest").ConfigureAwait(false);
        }

        if (options.TagSweep)
        {
            await run.SweepAsync().ConfigureAwait(false);
            if (!options.KeepTrail)
            {
                await run.SweepTrailsAsync().ConfigureAwait(false);
            }
        }

        if (manifest.Resources.All(r => r.IsGone) && manifest.State != DiscoverySessionState.Removed)
        {
            manifest.State = DiscoverySessionState.Removed;
            manifest.RemovedAt = DateTimeOffset.UtcNow;
            run.Recorder.Save();
            _reporter.Verbose($"Session {manifest.SessionId}: every resource is gone; the manifest is kept for audit, marked Removed.");
        }

        return run.Results;
    }

    private static bool IsGoneError(LeastPrivException ex)
        => ex is AwsServiceException aws && aws.NormalizedCode is "NoSuchEntity" or "TrailNotFound" or "NoSuchBucket";

    private static string Describe(ManifestResource r) => r.Type switch
    {
        DiscoveryResourceType.User => $"IAM user '{r.Name}'",
        DiscoveryResourceType.Role => $"IAM role '{r.Name}'",
        DiscoveryResourceType.ServiceRole => $"IAM service role '{r.Name}'",
        DiscoveryResourceType.AccessKey => $"access key {r.Name} of IAM user '{r.Parent}'",
        DiscoveryResourceType.UserPolicyAttachment => $"policy {r.Name} attached to IAM user '{r.Parent}'",
        DiscoveryResourceType.RolePolicyAttachment => $"policy {r.Name} attached to IAM role '{r.Parent}'",
        DiscoveryResourceType.UserInlinePolicy => $"inline policy '{r.Name}' of IAM user '{r.Parent}'",
        DiscoveryResourceType.RoleInlinePolicy => $"inline policy '{r.Name}' of IAM role '{r.Parent}'",
        DiscoveryResourceType.UserPermissionsBoundary => $"permissions boundary {r.Name} of IAM user '{r.Parent}'",
        DiscoveryResourceType.ManagedPolicy => $"managed policy {r.Arn ?? r.Name}",
        DiscoveryResourceType.Trail => $"CloudTrail trail '{r.Name}'",
        DiscoveryResourceType.TrailBucket => $"S3 bucket '{r.Name}'",
        _ => $"{r.Type} '{r.Name}'",
    };

    private sealed class Run
    {
        private readonly DiscoveryCleanup _owner;
        private readonly DiscoveryCleanupOptions _options;
        private readonly Action<LPCleanupResult>? _onResult;
        private readonly CancellationToken _ct;

        public Run(DiscoveryCleanup owner, SessionRecorder recorder, DiscoveryCleanupOptions options, Action<LPCleanupResult>? onResult, CancellationToken ct)
        {
            _owner = owner;
            Recorder = recorder;
            _options = options;
            _onResult = onResult;
            _ct = ct;
        }

        public SessionRecorder Recorder { get; }

        public List<LPCleanupResult> Results { get; } = new();

        private IIamApi Iam => _owner._iam;

        private IEngineReporter Reporter => _owner._reporter;

        private string SessionId => Recorder.Manifest.SessionId;

        public async Task RemoveAsync(ManifestResource resource, string source)
        {
            switch (resource.Type)
            {
                case DiscoveryResourceType.AccessKey when resource.Name is null:
                    await RemovePlannedKeysAsync(resource).ConfigureAwait(false);
                    return;
                case DiscoveryResourceType.User:
                    await RemoveUserDependentsAsync(resource.Name!).ConfigureAwait(false);
                    break;
                case DiscoveryResourceType.Role:
                case DiscoveryResourceType.ServiceRole:
                    await RemoveRoleDependentsAsync(resource.Name!).ConfigureAwait(false);
                    break;
                case DiscoveryResourceType.Trail:
                case DiscoveryResourceType.TrailBucket:
                    if (_owner._trail is null)
                    {
                        Report(resource, LPCleanupAction.Skipped, source, $"No CloudTrail/S3 access was given to this cleanup; delete {Describe(resource)} yourself.");
                        return;
                    }

                    break;
            }

            await DeleteAsync(resource, source, () => DeleteCallAsync(resource)).ConfigureAwait(false);
        }

        /// <summary>Users and roles tagged with the session id that the manifest does not name.</summary>
        public async Task SweepAsync()
        {
            var known = new HashSet<string>(
                Recorder.Manifest.Resources.Where(r => r.Type is DiscoveryResourceType.User or DiscoveryResourceType.Role or DiscoveryResourceType.ServiceRole).Select(r => r.Type + "/" + r.Name),
                StringComparer.Ordinal);
            Reporter.Verbose($"Session {SessionId}: looking for IAM users and roles tagged {DiscoveryValidation.SessionTagKey}={SessionId} that the manifest misses.");
            try
            {
                // ListUsers/ListRoles do not return tags: each candidate's tags are asked for.
                foreach (var user in await Iam.ListUsersAsync(null, _ct).ConfigureAwait(false))
                {
                    if (known.Contains("User/" + user.UserName) || !await HasSessionTagAsync(() => Iam.ListUserTagsAsync(user.UserName, _ct)).ConfigureAwait(false))
                    {
                        continue;
                    }

                    var entry = AddFound(DiscoveryResourceType.User, user.UserName, user.Arn, null, "TagSweep");
                    Reporter.Warning($"{Describe(entry)} carries the tag of session {SessionId} but was missing from its manifest; removing it.");
                    await RemoveAsync(entry, "TagSweep").ConfigureAwait(false);
                }

                foreach (var role in await Iam.ListRolesAsync(null, _ct).ConfigureAwait(false))
                {
                    if (known.Contains("Role/" + role.RoleName) || known.Contains("ServiceRole/" + role.RoleName)
                        || !await HasSessionTagAsync(() => Iam.ListRoleTagsAsync(role.RoleName, _ct)).ConfigureAwait(false))
                    {
                        continue;
                    }

                    var entry = AddFound(DiscoveryResourceType.Role, role.RoleName, role.Arn, null, "TagSweep");
                    Reporter.Warning($"{Describe(entry)} carries the tag of session {SessionId} but was missing from its manifest; removing it.");
                    await RemoveAsync(entry, "TagSweep").ConfigureAwait(false);
                }
            }
            catch (LeastPrivException ex)
            {
                Reporter.Error(new LeastPrivException(
                    "DiscoveryTagSweepFailed",
                    ex.Category,
                    $"The tag sweep of session {SessionId} could not finish: {ex.Message}",
                    SessionId,
                    ex));
            }
        }

        public void Report(ManifestResource r, LPCleanupAction action, string source, string? error)
        {
            var result = new LPCleanupResult
            {
                SessionId = SessionId,
                ResourceType = r.Type.ToString(),
                Name = r.Name,
                Arn = r.Arn,
                Parent = r.Parent,
                Action = action,
                Source = source,
                Error = error,
            };
            Results.Add(result);
            _onResult?.Invoke(result);
        }

        private async Task<bool> HasSessionTagAsync(Func<Task<IReadOnlyList<AwsTag>>> list)
        {
            try
            {
                var tags = await list().ConfigureAwait(false);
                return tags.Any(t => t.Key == DiscoveryValidation.SessionTagKey && t.Value == SessionId);
            }
            catch (AwsServiceException ex) when (ex.NormalizedCode == "NoSuchEntity")
            {
                return false;
            }
        }

        private async Task DeleteAsync(ManifestResource resource, string source, Func<Task> delete)
        {
            if (!Reporter.ShouldProcess(Describe(resource), "Delete"))
            {
                Report(resource, LPCleanupAction.Skipped, source, "Not confirmed.");
                return;
            }

            try
            {
                await delete().ConfigureAwait(false);
                Recorder.Mark(resource, DiscoveryResourceState.Deleted);
                Reporter.Verbose($"Deleted {Describe(resource)}.");
                Report(resource, LPCleanupAction.Deleted, source, null);
            }
            catch (LeastPrivException ex) when (IsGoneError(ex))
            {
                Recorder.Mark(resource, DiscoveryResourceState.AlreadyGone);
                Reporter.Verbose($"{Describe(resource)} was already gone.");
                Report(resource, LPCleanupAction.AlreadyGone, source, null);
            }
            catch (LeastPrivException ex)
            {
                Recorder.Mark(resource, DiscoveryResourceState.DeleteFailed, ex.Message);
                Reporter.Error(new LeastPrivException(
                    "DiscoveryResourceRemoveFailed",
                    ex.Category,
                    $"Could not delete {Describe(resource)} of session {SessionId}: {ex.Message}",
                    resource.Arn ?? resource.Name,
                    ex)
                {
                    RecommendedAction = "Fix the cause and run Remove-LPDiscoveryResources again; it resumes from the manifest.",
                });
                Report(resource, LPCleanupAction.Failed, source, ex.Message);
            }
        }

        /// <summary>Trails and buckets tagged with the session id that the manifest does not name.</summary>
        public async Task SweepTrailsAsync()
        {
            var teardown = _owner._trail;
            if (teardown is null)
            {
                return;
            }

            var manifest = Recorder.Manifest;
            var tag = Recorder.SessionTag;
            var regions = new[] { manifest.Trail?.HomeRegion, teardown.DefaultRegion, manifest.Region }
                .Where(r => !string.IsNullOrEmpty(r))
                .Select(r => r!)
                .Distinct(StringComparer.Ordinal)
                .ToList();
            if (regions.Count == 0)
            {
                Reporter.Warning($"Session {SessionId}: no region is known, so trails and buckets tagged {tag} were not looked for. Pass -Region to include them.");
                return;
            }

            var knownTrails = new HashSet<string>(manifest.Resources.Where(r => r.Type == DiscoveryResourceType.Trail).SelectMany(r => new[] { r.Name, r.Arn }).Where(n => n is not null).Select(n => n!), StringComparer.Ordinal);
            var knownBuckets = new HashSet<string>(manifest.Resources.Where(r => r.Type == DiscoveryResourceType.TrailBucket && r.Name is not null).Select(r => r.Name!), StringComparer.Ordinal);
            Reporter.Verbose($"Session {SessionId}: looking for CloudTrail trails ({string.Join(", ", regions)}) and S3 buckets tagged {tag} that the manifest misses.");
            try
            {
                foreach (var region in regions)
                {
                    foreach (var trail in await teardown.FindTaggedTrailsAsync(region, tag, _ct).ConfigureAwait(false))
                    {
                        if (knownTrails.Contains(trail.Name) || (trail.TrailARN is not null && knownTrails.Contains(trail.TrailARN)))
                        {
                            continue;
                        }

                        var entry = AddFound(DiscoveryResourceType.Trail, trail.Name, trail.TrailARN, null, "TagSweep");
                        knownTrails.Add(trail.Name);
                        Reporter.Warning($"{Describe(entry)} carries the tag of session {SessionId} but was missing from its manifest; removing it.");
                        await RemoveAsync(entry, "TagSweep").ConfigureAwait(false);
                    }
                }

                var unreadable = 0;
                foreach (var bucket in await teardown.FindTaggedBucketsAsync(regions[0], tag, (name, code) =>
                {
                    unreadable++;
                    Reporter.Debug($"The tags of S3 bucket '{name}' could not be read ({code}); it is not swept.");
                }, _ct).ConfigureAwait(false))
                {
                    if (knownBuckets.Contains(bucket))
                    {
                        continue;
                    }

                    var entry = AddFound(DiscoveryResourceType.TrailBucket, bucket, "arn:aws:s3:::" + bucket, null, "TagSweep");
                    Reporter.Warning($"{Describe(entry)} carries the tag of session {SessionId} but was missing from its manifest; removing it with its objects.");
                    await RemoveAsync(entry, "TagSweep").ConfigureAwait(false);
                }

                if (unreadable > 0)
                {
                    Reporter.Warning($"Session {SessionId}: the tags of {unreadable} S3 bucket(s) could not be read, so they were not swept (see -Debug).");
                }
            }
            catch (LeastPrivException ex)
            {
                Reporter.Error(new LeastPrivException(
                    "DiscoveryTagSweepFailed",
                    ex.Category,
                    $"The trail and bucket tag sweep of session {SessionId} could not finish: {ex.Message}",
                    SessionId,
                    ex));
            }
        }

        private Task DeleteCallAsync(ManifestResource r) => r.Type switch
        {
            DiscoveryResourceType.Trail => _owner._trail!.DeleteTrailAsync(r.Arn ?? r.Name!, TrailRegion(r), _ct),
            DiscoveryResourceType.TrailBucket => _owner._trail!.DeleteBucketAsync(r.Name!, BucketRegion(r), _ct),
            DiscoveryResourceType.AccessKey => Iam.DeleteAccessKeyAsync(r.Parent, r.Name!, _ct),
            DiscoveryResourceType.UserPolicyAttachment => Iam.DetachUserPolicyAsync(r.Parent!, r.Arn ?? r.Name!, _ct),
            DiscoveryResourceType.RolePolicyAttachment => Iam.DetachRolePolicyAsync(r.Parent!, r.Arn ?? r.Name!, _ct),
            DiscoveryResourceType.UserInlinePolicy => Iam.DeleteUserPolicyAsync(r.Parent!, r.Name!, _ct),
            DiscoveryResourceType.RoleInlinePolicy => Iam.DeleteRolePolicyAsync(r.Parent!, r.Name!, _ct),
            DiscoveryResourceType.UserPermissionsBoundary => Iam.DeleteUserPermissionsBoundaryAsync(r.Parent!, _ct),
            DiscoveryResourceType.User => Iam.DeleteUserAsync(r.Name!, _ct),
            DiscoveryResourceType.Role or DiscoveryResourceType.ServiceRole => Iam.DeleteRoleAsync(r.Name!, _ct),
            DiscoveryResourceType.ManagedPolicy => Iam.DeletePolicyAsync(r.Arn ?? r.Name!, _ct),
            _ => throw new LeastPrivException("DiscoveryResourceTypeUnknown", LPErrorCategory.NotImplemented, $"No removal is known for {r.Type}.", r.Name),
        };

        /// <summary>A trail is addressed in its home region: the ARN's region, else the manifest's.</summary>
        private string TrailRegion(ManifestResource r)
        {
            var parts = (r.Arn ?? string.Empty).Split(':');
            if (parts.Length > 3 && parts[3].Length > 0)
            {
                return parts[3];
            }

            return Recorder.Manifest.Trail?.HomeRegion is { Length: > 0 } home ? home : RegionOrThrow(r);
        }

        private string BucketRegion(ManifestResource r)
            => Recorder.Manifest.Trail is { } t && t.BucketName == r.Name && t.HomeRegion.Length > 0 ? t.HomeRegion : RegionOrThrow(r);

        private string RegionOrThrow(ManifestResource r)
            => _owner._trail?.DefaultRegion ?? Recorder.Manifest.Region ?? throw new LeastPrivException(
                "AwsRegionNotFound",
                LPErrorCategory.InvalidOperation,
                $"The region of {Describe(r)} is not known; pass -Region.",
                r.Name);

        /// <summary>A key planned but never recorded (crash between CreateAccessKey and the save): every key of the session's user goes.</summary>
        private async Task RemovePlannedKeysAsync(ManifestResource planned)
        {
            var keys = await ListOrEmptyAsync(() => Iam.ListAccessKeysAsync(planned.Parent, _ct)).ConfigureAwait(false);
            var known = new HashSet<string>(
                Recorder.Manifest.Resources.Where(r => r.Type == DiscoveryResourceType.AccessKey && r.Name is not null).Select(r => r.Name!),
                StringComparer.Ordinal);
            foreach (var key in keys.Where(k => !known.Contains(k.AccessKeyId)))
            {
                var entry = AddFound(DiscoveryResourceType.AccessKey, key.AccessKeyId, null, planned.Parent, "Dependent");
                await DeleteAsync(entry, "Dependent", () => DeleteCallAsync(entry)).ConfigureAwait(false);
            }

            // The planned entry itself is settled: whatever it was, it has been looked for.
            Recorder.Mark(planned, DiscoveryResourceState.AlreadyGone);
        }

        private async Task RemoveUserDependentsAsync(string userName)
        {
            foreach (var key in await ListOrEmptyAsync(() => Iam.ListAccessKeysAsync(userName, _ct)).ConfigureAwait(false))
            {
                await RemoveDependentAsync(DiscoveryResourceType.AccessKey, key.AccessKeyId, null, userName).ConfigureAwait(false);
            }

            foreach (var policy in await ListOrEmptyAsync(() => Iam.ListAttachedUserPoliciesAsync(userName, null, _ct)).ConfigureAwait(false))
            {
                await RemoveDependentAsync(DiscoveryResourceType.UserPolicyAttachment, policy.PolicyArn, policy.PolicyArn, userName).ConfigureAwait(false);
            }

            foreach (var name in await ListOrEmptyAsync(() => Iam.ListUserPoliciesAsync(userName, _ct)).ConfigureAwait(false))
            {
                await RemoveDependentAsync(DiscoveryResourceType.UserInlinePolicy, name, null, userName).ConfigureAwait(false);
            }
        }

        private async Task RemoveRoleDependentsAsync(string roleName)
        {
            foreach (var policy in await ListOrEmptyAsync(() => Iam.ListAttachedRolePoliciesAsync(roleName, null, _ct)).ConfigureAwait(false))
            {
                await RemoveDependentAsync(DiscoveryResourceType.RolePolicyAttachment, policy.PolicyArn, policy.PolicyArn, roleName).ConfigureAwait(false);
            }

            foreach (var name in await ListOrEmptyAsync(() => Iam.ListRolePoliciesAsync(roleName, _ct)).ConfigureAwait(false))
            {
                await RemoveDependentAsync(DiscoveryResourceType.RoleInlinePolicy, name, null, roleName).ConfigureAwait(false);
            }
        }

        private async Task RemoveDependentAsync(DiscoveryResourceType type, string name, string? arn, string parent)
        {
            var entry = Recorder.Manifest.Resources.FirstOrDefault(r => r.Type == type && r.Name == name && r.Parent == parent)
                ?? AddFound(type, name, arn, parent, "Dependent");
            await DeleteAsync(entry, "Dependent", () => DeleteCallAsync(entry)).ConfigureAwait(false);
        }

        private ManifestResource AddFound(DiscoveryResourceType type, string name, string? arn, string? parent, string origin)
        {
            var now = DateTimeOffset.UtcNow;
            var entry = new ManifestResource
            {
                Type = type,
                Name = name,
                Arn = arn,
                Parent = parent,
                State = DiscoveryResourceState.Created,
                Origin = origin,
                PlannedAt = now,
                UpdatedAt = now,
            };
            Recorder.Manifest.Resources.Add(entry);
            Recorder.Save();
            return entry;
        }

        private static async Task<IReadOnlyList<T>> ListOrEmptyAsync<T>(Func<Task<IReadOnlyList<T>>> list)
        {
            try
            {
                return await list().ConfigureAwait(false);
            }
            catch (AwsServiceException ex) when (ex.NormalizedCode == "NoSuchEntity")
            {
                return Array.Empty<T>();
            }
        }
    }
}
