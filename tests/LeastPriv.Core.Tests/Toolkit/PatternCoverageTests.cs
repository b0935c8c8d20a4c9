using LeastPriv.Core.Policy.Merge;
using Xunit;

namespace LeastPriv.Core.Tests.Toolkit;

public sealed class PatternCoverageTests
{
    [Theory]
    [InlineData("arn:aws:s3:::b/*", "arn:aws:s3:::b/k", true)]
    [InlineData("arn:aws:s3:::b/*", "arn:aws:s3:::b/k/*", true)]
    [InlineData("arn:aws:s3:::b/*", "arn:aws:s3:::b", false)]
    [InlineData("arn:aws:s3:::b/k", "arn:aws:s3:::b/*", false)]
    [InlineData("*", "arn:aws:s3:::anything", true)]
    [InlineData("arn:aws:s3:::b?", "arn:aws:s3:::b1", true)]
    [InlineData("arn:aws:s3:::b?", "arn:aws:s3:::b*", false)]
    [InlineData("arn:aws:s3:::B/*", "arn:aws:s3:::b/k", false)]
    [InlineData("arn:aws:s3:::*-logs/*", "arn:aws:s3:::app-logs/2026/*", true)]
    public void ResourceCovers_Patterns_FollowIamWildcards(string covering, string covered, bool expected)
    {
        Assert.Equal(expected, PatternCoverage.ResourceCovers(covering, covered));
    }

    [Theory]
    [InlineData("s3:Get*", "s3:GetObject", true)]
    [InlineData("s3:get*", "S3:GetObjectAcl", true)]
    [InlineData("s3:Get*", "s3:GetObject*", true)]
    [InlineData("s3:GetObject", "s3:Get*", false)]
    [InlineData("s3:*", "s3:Get*", true)]
    [InlineData("*", "iam:PassRole", true)]
    [InlineData("s3:Get*", "s3:PutObject", false)]
    public void ActionCovers_Patterns_AreCaseInsensitive(string covering, string covered, bool expected)
    {
        Assert.Equal(expected, PatternCoverage.ActionCovers(covering, covered));
    }
}
