using LeastPriv.Core.Aws;
using LeastPriv.Core.Discovery;
using LeastPriv.Core.Reporting;

namespace LeastPriv.Core.Tests.Discovery;

/// <summary>A reporter that keeps everything and answers ShouldProcess with <see cref="Approve"/>.</summary>
internal sealed class RecordingReporter : IEngineReporter
{
    public bool Approve { get; set; } = true;

    public List<string> Lines { get; } = new();

    public List<ProgressReport> ProgressReports { get; } = new();

    public List<LeastPrivException> Errors { get; } = new();

    public List<string> Asked { get; } = new();

    public void Progress(ProgressReport report)
    {
        lock (ProgressReports)
        {
            ProgressReports.Add(report);
        }
    }

    public void Warning(string message) => Add("WARNING: " + message);

    public void Verbose(string message) => Add("VERBOSE: " + message);

    public void Debug(string message) => Add("DEBUG: " + message);

    public void Error(LeastPrivException error)
    {
        lock (Errors)
        {
            Errors.Add(error);
        }
    }

    public bool ShouldProcess(string target, string action)
    {
        Add($"ASK: {action} {target}");
        Asked.Add(target);
        return Approve;
    }

    private void Add(string line)
    {
        lock (Lines)
        {
            Lines.Add(line);
        }
    }
}

/// <summary>GetCallerIdentity answered from a script: the caller, or the new key after N refusals.</summary>
internal sealed class ScriptedIdentity : ICallerIdentityLookup
{
    private readonly InMemoryIam _iam;

    public ScriptedIdentity(InMemoryIam iam)
    {
        _iam = iam;
    }

    public int RefuseNewKeyTimes { get; set; }

    public int Calls { get; private set; }

    public Task<CallerIdentity> GetAsync(AwsContext context, CancellationToken cancellationToken)
    {
        Calls++;
        var key = context.Credentials.GetCredentials().AccessKey;
        if (key == "AKIACALLER0000000000")
        {
            return Task.FromResult(new CallerIdentity(InMemoryIam.Account, $"arn:aws:iam::{InMemoryIam.Account}:user/operator", "AIDAOPERATOR"));
        }

        if (RefuseNewKeyTimes-- > 0)
        {
            throw new AwsServiceException(AwsService.Sts, "GetCallerIdentity", "InvalidClientTokenId", System.Net.HttpStatusCode.Forbidden, "req", "The security token included in the request is invalid.");
        }

        var owner = _iam.Users.Values.First(u => u.Keys.Contains(key));
        return Task.FromResult(new CallerIdentity(InMemoryIam.Account, owner.Arn, "AIDA" + owner.Name));
    }
}

/// <summary>A temporary session folder, deleted afterwards.</summary>
internal sealed class TempStore : IDisposable
{
    public TempStore()
    {
        Directory = Path.Combine(Path.GetTempPath(), "lp-sessions-" + Guid.NewGuid().ToString("N")[..10]);
        Store = new SessionStore(Directory);
    }

    public string Directory { get; }

    public SessionStore Store { get; }

    public static AwsContext CallerContext() => AwsContext.Resolve(new AwsContextOptions
    {
        AccessKey = "AKIACALLER0000000000",
        SecretKey = "caller-secret-never-used-on-the-wire",
        Region = "us-east-1",
        EndpointUrl = "http://127.0.0.1:9",
    });

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
