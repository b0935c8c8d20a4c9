using LeastPriv.Emulator.AccessAnalyzer;
using Xunit;

namespace LeastPriv.Emulator.Tests.AccessAnalyzer;

public sealed class TrustPolicyTests
{
    private const string Service = "access-analyzer.amazonaws.com";

    [Theory]
    [InlineData("""{"Statement":[{"Effect":"Allow","Principal":{"Service":"access-analyzer.amazonaws.com"},"Action":"sts:AssumeRole"}]}""", true)]
    [InlineData("""{"Statement":{"Effect":"Allow","Principal":{"Service":["ec2.amazonaws.com","access-analyzer.amazonaws.com"]},"Action":["sts:AssumeRole"]}}""", true)]
    [InlineData("""{"Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}""", false)]
    [InlineData("""{"Statement":[{"Effect":"Allow","Principal":{"Service":"access-analyzer.amazonaws.com"},"Action":"sts:TagSession"}]}""", false)]
    [InlineData("""{"Statement":[{"Effect":"Allow","Principal":{"Service":"access-analyzer.amazonaws.com"},"Action":"sts:AssumeRole"},{"Effect":"Deny","Principal":"*","Action":"sts:*"}]}""", false)]
    [InlineData("not json", false)]
    public void AllowsService_TrustPolicy_DecidesLikeIam(string policy, bool allowed)
    {
        Assert.Equal(allowed, TrustPolicy.AllowsService(policy, Service));
    }
}
