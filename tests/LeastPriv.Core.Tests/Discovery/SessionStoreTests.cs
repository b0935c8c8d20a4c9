using System.Text.Json;
using LeastPriv.Core.Discovery;
using Xunit;

namespace LeastPriv.Core.Tests.Discovery;

public sealed class SessionStoreTests
{
    private static SessionManifest Sample(string id) => new()
    {
        SessionId = id,
        CreatedAt = DateTimeOffset.Parse("2026-11-24T03:35:00Z", System.Globalization.CultureInfo.InvariantCulture),
        AccountId = "123456789012",
        Region = "eu-west-1",
        PrincipalType = "User",
        PrincipalName = "app-discovery",
        Resources =
        {
            new ManifestResource { Type = DiscoveryResourceType.User, Name = "app-discovery", Arn = "arn:aws:iam::123456789012:user/app-discovery", State = DiscoveryResourceState.Created },
            new ManifestResource { Type = DiscoveryResourceType.AccessKey, Name = null, Parent = "app-discovery", State = DiscoveryResourceState.Planned },
        },
        Windows = { new ManifestWindow { Label = "deploy", Start = DateTimeOffset.UnixEpoch, End = DateTimeOffset.UnixEpoch.AddHours(1) } },
        Jobs = { new ManifestJob { JobId = "job-1", StartedAt = DateTimeOffset.UnixEpoch } },
    };

    [Fact]
    public void Save_ThenLoad_RoundTripsEveryField()
    {
        using var temp = new TempStore();
        temp.Store.Save(Sample("lp-1"));

        var loaded = temp.Store.Load("lp-1");

        Assert.Equal("123456789012", loaded.AccountId);
        Assert.Equal("eu-west-1", loaded.Region);
        Assert.Equal(2, loaded.Resources.Count);
        Assert.Equal(DiscoveryResourceState.Planned, loaded.Resources[1].State);
        Assert.Equal("app-discovery", loaded.Resources[1].Parent);
        Assert.Equal("deploy", Assert.Single(loaded.Windows).Label);
        Assert.Equal("job-1", Assert.Single(loaded.Jobs).JobId);
        var text = File.ReadAllText(temp.Store.PathOf("lp-1"));
        Assert.Contains("\"state\": \"Planned\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Save_WhileAnotherThreadReads_ReaderNeverSeesATornFile()
    {
        using var temp = new TempStore();
        var manifest = Sample("lp-atomic");
        temp.Store.Save(manifest);
        var path = temp.Store.PathOf("lp-atomic");
        using var stop = new CancellationTokenSource();
        using var firstRead = new ManualResetEventSlim();
        var reads = 0;
        var reader = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                // Replace-by-rename: every read sees a complete JSON document.
                using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
                Assert.Equal("lp-atomic", doc.RootElement.GetProperty("sessionId").GetString());
                Interlocked.Increment(ref reads);
                firstRead.Set();
            }
        });

        // The reads must overlap the writes: start writing once the reader runs, and keep the
        // overlap going until it has read many times while saves were happening (or time runs out).
        Assert.True(firstRead.Wait(TimeSpan.FromSeconds(30)), "the reader never started");
        var readsBefore = Volatile.Read(ref reads);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        var saves = 0;
        while (saves < 150 || (Volatile.Read(ref reads) - readsBefore < 50 && DateTime.UtcNow < deadline))
        {
            manifest.Resources.Add(new ManifestResource { Type = DiscoveryResourceType.AccessKey, Name = "AKIA" + saves, Parent = "app-discovery" });
            temp.Store.Save(manifest);
            saves++;
        }

        stop.Cancel();
        await reader;

        Assert.True(Volatile.Read(ref reads) - readsBefore >= 50, $"only {reads - readsBefore} reads overlapped {saves} saves");
        Assert.Equal(manifest.Resources.Count, temp.Store.Load("lp-atomic").Resources.Count);
        Assert.Empty(Directory.GetFiles(temp.Directory, "*.tmp"));
    }

    [Theory]
    [InlineData("../etc/passwd")]
    [InlineData("a/b")]
    [InlineData("")]
    [InlineData("..")]
    [InlineData("-starts-with-dash")]
    public void Load_SessionIdThatIsNotAFileName_ThrowsSessionIdInvalid(string id)
    {
        using var temp = new TempStore();

        var ex = Assert.Throws<LeastPrivException>(() => temp.Store.Load(id));

        Assert.Equal("SessionIdInvalid", ex.ErrorId);
        Assert.Equal(LPErrorCategory.InvalidArgument, ex.Category);
    }

    [Fact]
    public void Load_UnknownSession_ThrowsSessionNotFound()
    {
        using var temp = new TempStore();

        var ex = Assert.Throws<LeastPrivException>(() => temp.Store.Load("lp-missing"));

        Assert.Equal("SessionNotFound", ex.ErrorId);
        Assert.Equal(LPErrorCategory.ObjectNotFound, ex.Category);
    }

    [Fact]
    public void List_CorruptManifest_ReportedAndOthersListed()
    {
        using var temp = new TempStore();
        temp.Store.Save(Sample("lp-good"));
        File.WriteAllText(Path.Combine(temp.Directory, "lp-bad.json"), "{ \"sessionId\": ");
        var errors = new List<LeastPrivException>();

        var sessions = temp.Store.List(errors.Add);

        Assert.Equal("lp-good", Assert.Single(sessions).SessionId);
        Assert.Equal("SessionManifestInvalid", Assert.Single(errors).ErrorId);
    }

    [Fact]
    public void DefaultDirectory_LeastPrivHomeSet_IsItsSessionsFolder()
    {
        var saved = Environment.GetEnvironmentVariable("LEASTPRIV_HOME");
        var home = Path.Combine(Path.GetTempPath(), "lp-home-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            Environment.SetEnvironmentVariable("LEASTPRIV_HOME", home);
            Assert.Equal(Path.Combine(home, "sessions"), SessionStore.DefaultDirectory());
        }
        finally
        {
            Environment.SetEnvironmentVariable("LEASTPRIV_HOME", saved);
        }
    }

    [Fact]
    public void NewSessionId_IsAValidIdAndUnique()
    {
        var now = DateTimeOffset.UtcNow;
        var a = SessionStore.NewSessionId(now);
        var b = SessionStore.NewSessionId(now);

        SessionStore.ValidateSessionId(a);
        Assert.StartsWith("lp-" + now.UtcDateTime.ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture), a, StringComparison.Ordinal);
        Assert.NotEqual(a, b);
    }
}
