using System.Collections.Concurrent;
using Amazon.Runtime;
using LeastPriv.Emulator.Moto;

namespace LeastPriv.Emulator.Identity;

/// <summary>
/// Maps access key ids to the principals that own them. Keys are learned from the CreateAccessKey
/// and AssumeRole answers the layer relays; keys it has not seen are looked up in moto's IAM
/// (ListUsers / ListAccessKeys / GetUser) with the operator's credentials.
/// </summary>
public sealed class AccessKeyDirectory
{
    private static readonly TimeSpan NegativeCacheDuration = TimeSpan.FromSeconds(1);
    private readonly ConcurrentDictionary<string, CallerIdentity> _known = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _pendingUserKeys = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _keyCreated = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _misses = new(StringComparer.Ordinal);
    private readonly MotoClient _moto;
    private readonly Func<AWSCredentials> _operatorCredentials;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _lookup = new(1, 1);

    public AccessKeyDirectory(MotoClient moto, string accountId, Func<AWSCredentials> operatorCredentials, TimeProvider time)
    {
        _moto = moto;
        AccountId = accountId;
        _operatorCredentials = operatorCredentials;
        _time = time;
    }

    public string AccountId { get; }

    /// <summary>Registers a principal directly (the operator created at start-up).</summary>
    public void Remember(CallerIdentity identity) => _known[identity.AccessKeyId] = identity;

    /// <summary>A key CreateAccessKey just issued for <paramref name="userName"/>; the owner's ids are looked up on first use.</summary>
    public void LearnUserKey(string accessKeyId, string userName)
    {
        _pendingUserKeys[accessKeyId] = userName;
        _keyCreated[accessKeyId] = _time.GetUtcNow();
        _misses.TryRemove(accessKeyId, out _);
    }

    /// <summary>Session credentials AssumeRole just issued.</summary>
    public void LearnRoleSession(string accessKeyId, string assumedRoleId, string assumedRoleArn, string roleArn)
    {
        var roleId = assumedRoleId.Split(':')[0];
        var account = ArnAccount(assumedRoleArn) ?? AccountId;
        var roleName = roleArn[(roleArn.LastIndexOf('/') + 1)..];
        _known[accessKeyId] = new CallerIdentity(
            "AssumedRole",
            assumedRoleId,
            assumedRoleArn,
            account,
            accessKeyId,
            SessionIssuer: new SessionIssuer("Role", roleId, roleArn, ArnAccount(roleArn) ?? account, roleName),
            SessionCreated: _time.GetUtcNow());
        _keyCreated[accessKeyId] = _time.GetUtcNow();
        _misses.TryRemove(accessKeyId, out _);
    }

    /// <summary>When the layer saw CreateAccessKey / AssumeRole issue this key, if it did.</summary>
    public DateTimeOffset? KeyCreatedAt(string accessKeyId) => _keyCreated.TryGetValue(accessKeyId, out var at) ? at : null;

    /// <summary>The principal that owns <paramref name="accessKeyId"/>, or null when moto does not know the key.</summary>
    public async Task<CallerIdentity?> ResolveAsync(string accessKeyId, CancellationToken cancellationToken)
    {
        if (_known.TryGetValue(accessKeyId, out var identity))
        {
            return identity;
        }

        if (_misses.TryGetValue(accessKeyId, out var missedAt) && _time.GetUtcNow() - missedAt < NegativeCacheDuration)
        {
            return null;
        }

        await _lookup.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_known.TryGetValue(accessKeyId, out identity))
            {
                return identity;
            }

            var userName = _pendingUserKeys.TryGetValue(accessKeyId, out var pending) ? pending : await FindKeyOwnerAsync(accessKeyId, cancellationToken).ConfigureAwait(false);
            if (userName is null)
            {
                _misses[accessKeyId] = _time.GetUtcNow();
                return null;
            }

            var user = MotoClient.ParseQuery(
                await _moto.QueryAsync("iam", "us-east-1", "GetUser", "2010-05-08", [new("UserName", userName)], _operatorCredentials(), cancellationToken).ConfigureAwait(false),
                "GetUser");
            var ns = user.Name.Namespace;
            var u = user.Descendants(ns + "User").First();
            var arn = (string?)u.Element(ns + "Arn") ?? string.Empty;
            identity = new CallerIdentity("IAMUser", (string?)u.Element(ns + "UserId") ?? string.Empty, arn, ArnAccount(arn) ?? AccountId, accessKeyId, userName);
            _known[accessKeyId] = identity;
            _pendingUserKeys.TryRemove(accessKeyId, out _);
            return identity;
        }
        catch (StandInException)
        {
            _misses[accessKeyId] = _time.GetUtcNow();
            return null;
        }
        finally
        {
            _lookup.Release();
        }
    }

    private async Task<string?> FindKeyOwnerAsync(string accessKeyId, CancellationToken cancellationToken)
    {
        if (!accessKeyId.StartsWith("AKIA", StringComparison.Ordinal))
        {
            return null;
        }

        string? marker = null;
        do
        {
            var parameters = new List<KeyValuePair<string, string>> { new("MaxItems", "1000") };
            if (marker is not null)
            {
                parameters.Add(new("Marker", marker));
            }

            var users = MotoClient.ParseQuery(
                await _moto.QueryAsync("iam", "us-east-1", "ListUsers", "2010-05-08", parameters, _operatorCredentials(), cancellationToken).ConfigureAwait(false),
                "ListUsers");
            var ns = users.Name.Namespace;
            foreach (var name in users.Descendants(ns + "UserName").Select(e => e.Value).ToList())
            {
                var keys = MotoClient.ParseQuery(
                    await _moto.QueryAsync("iam", "us-east-1", "ListAccessKeys", "2010-05-08", [new("UserName", name)], _operatorCredentials(), cancellationToken).ConfigureAwait(false),
                    "ListAccessKeys");
                if (keys.Descendants(ns + "AccessKeyId").Any(k => k.Value == accessKeyId))
                {
                    return name;
                }
            }

            marker = users.Descendants(ns + "IsTruncated").FirstOrDefault()?.Value == "true" ? users.Descendants(ns + "Marker").FirstOrDefault()?.Value : null;
        }
        while (marker is not null);

        return null;
    }

    private static string? ArnAccount(string arn)
    {
        var parts = arn.Split(':');
        return parts.Length > 4 && parts[4].Length > 0 ? parts[4] : null;
    }
}
