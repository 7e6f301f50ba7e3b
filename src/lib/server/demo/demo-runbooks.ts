/**
 * The runbooks of the demo workspace: three everyday operations procedures with checkable steps,
 * callouts, tables and code blocks, as Markdown in each UI language. demo-data.ts creates them
 * through the runbook service and links them to the demo tasks they belong to.
 */
import type { Locale } from '../../shared/locale';
import type { AlertMatcher } from '../../shared/runbooks/schema';

/** The demo runbooks, by a stable key the demo tasks link with. */
export type DemoRunbookKey = 'tls' | 'failover' | 'disk';

type Text = Record<Locale, string>;

export interface DemoRunbook {
  key: DemoRunbookKey;
  title: Text;
  tags: Record<Locale, readonly string[]>;
  services: readonly string[];
  alertMatchers: AlertMatcher[];
  reviewIntervalDays: number;
  markdown: Text;
}

const TLS_EN = `## When to use

A certificate on the edge proxies expires within 14 days, or the alert \`CertificateExpiringSoon\` fired.

> [!WARNING]
> Rotate one proxy at a time. The load balancer keeps serving from the others while one reloads.

## Before you start

- [ ] A change is approved and its window is open
- [ ] The new certificate and key are in the secrets store
- [ ] The full chain validates against the new key

\`\`\`bash
openssl x509 -in edge.crt -noout -subject -enddate
openssl verify -CAfile chain.pem edge.crt
# Both lines must print the same hash:
openssl x509 -in edge.crt -noout -modulus | sha256sum
openssl rsa -in edge.key -noout -modulus | sha256sum
\`\`\`

## Rotate

- [ ] Drain the first proxy from the load balancer
- [ ] Install the certificate and reload (not restart) the proxy
- [ ] Check the served certificate, then put the proxy back
- [ ] Repeat for each proxy

\`\`\`bash
sudo install -m 0640 edge.crt edge.key /etc/haproxy/certs/
sudo haproxy -c -f /etc/haproxy/haproxy.cfg && sudo systemctl reload haproxy
echo | openssl s_client -connect edge-1:443 -servername status.example.com 2>/dev/null \\
  | openssl x509 -noout -enddate
\`\`\`

## Rollback

> [!NOTE]
> Keep the old certificate until the next day: reinstall it and reload if clients fail the handshake.

## After

- [ ] The expiry alert has cleared
- [ ] Record the new expiry date on the change
`;

const TLS_ZH = `## 适用场景

边缘代理上的证书将在 14 天内过期，或者触发了 \`CertificateExpiringSoon\` 告警。

> [!WARNING]
> 每次只轮换一台代理。一台重载时，负载均衡器由其余代理继续提供服务。

## 开始之前

- [ ] 变更已审批，且处于变更窗口内
- [ ] 新证书和私钥已存入密钥库
- [ ] 新私钥与完整证书链校验通过

\`\`\`bash
openssl x509 -in edge.crt -noout -subject -enddate
openssl verify -CAfile chain.pem edge.crt
# 以下两行输出的哈希必须相同：
openssl x509 -in edge.crt -noout -modulus | sha256sum
openssl rsa -in edge.key -noout -modulus | sha256sum
\`\`\`

## 轮换

- [ ] 将第一台代理从负载均衡中摘除
- [ ] 安装证书并重载（不要重启）代理
- [ ] 检查对外提供的证书，然后把代理加回负载均衡
- [ ] 对每台代理重复以上步骤

\`\`\`bash
sudo install -m 0640 edge.crt edge.key /etc/haproxy/certs/
sudo haproxy -c -f /etc/haproxy/haproxy.cfg && sudo systemctl reload haproxy
echo | openssl s_client -connect edge-1:443 -servername status.example.com 2>/dev/null \\
  | openssl x509 -noout -enddate
\`\`\`

## 回滚

> [!NOTE]
> 旧证书至少保留到第二天：如果客户端握手失败，重新安装旧证书并重载即可。

## 完成后

- [ ] 证书过期告警已恢复
- [ ] 在变更单上记录新的过期日期
`;

const FAILOVER_EN = `## When to use

The primary of \`orders-db\` is down or unusable, or replica lag stays above 30 s and keeps growing.

> [!WARNING]
> Name one person to run the failover. Two people promoting two replicas split the data.

## Assess

- [ ] Confirm the primary is really gone (not a monitoring or network blip)
- [ ] Pick the replica with the least lag

\`\`\`sql
-- On each replica: how far behind it is
SELECT now() - pg_last_xact_replay_timestamp() AS lag;
\`\`\`

| Replica | Zone | Use for failover |
| --- | --- | --- |
| orders-db-2 | zone b | first choice |
| orders-db-3 | zone c | if orders-db-2 lags |
| reporting replica | zone a | never: it runs long reports |

## Fail over

- [ ] Stop writes: scale the order workers to zero
- [ ] Fence the old primary so it cannot come back as primary
- [ ] Promote the chosen replica
- [ ] Point the \`orders-db-rw\` service at it and start the workers again

\`\`\`bash
kubectl -n shop scale deployment/order-worker --replicas=0
sudo -u postgres pg_ctl promote -D /var/lib/postgresql/16/main
kubectl -n shop patch service orders-db-rw \\
  -p '{"spec":{"selector":{"instance":"orders-db-2"}}}'
kubectl -n shop scale deployment/order-worker --replicas=6
\`\`\`

## After

- [ ] Checkout and order history work end to end
- [ ] Rebuild the old primary as a replica before the next failover is needed
- [ ] Write the post-incident review
`;

const FAILOVER_ZH = `## 适用场景

\`orders-db\` 主库宕机或不可用，或者从库延迟持续超过 30 秒并且还在增长。

> [!WARNING]
> 指定一个人执行切换。两个人分别提升两个从库，数据就会分裂。

## 评估

- [ ] 确认主库确实不可用（而不是监控或网络抖动）
- [ ] 选择延迟最小的从库

\`\`\`sql
-- 在每个从库上执行：落后多少
SELECT now() - pg_last_xact_replay_timestamp() AS lag;
\`\`\`

| 从库 | 可用区 | 能否用于切换 |
| --- | --- | --- |
| orders-db-2 | 可用区 b | 首选 |
| orders-db-3 | 可用区 c | orders-db-2 延迟过大时使用 |
| 报表从库 | 可用区 a | 不可用：上面跑着长时间的报表 |

## 执行切换

- [ ] 停止写入：把订单 worker 缩容到 0
- [ ] 隔离旧主库，防止它以主库身份恢复
- [ ] 提升选定的从库
- [ ] 把 \`orders-db-rw\` 服务指向新主库，再启动 worker

\`\`\`bash
kubectl -n shop scale deployment/order-worker --replicas=0
sudo -u postgres pg_ctl promote -D /var/lib/postgresql/16/main
kubectl -n shop patch service orders-db-rw \\
  -p '{"spec":{"selector":{"instance":"orders-db-2"}}}'
kubectl -n shop scale deployment/order-worker --replicas=6
\`\`\`

## 完成后

- [ ] 结账和订单历史端到端可用
- [ ] 在下次需要切换之前，把旧主库重建为从库
- [ ] 撰写事后复盘
`;

const DISK_EN = `## When to use

The alert \`HostDiskFull\` fired: a filesystem on a host is more than 90% full.

> [!WARNING]
> Never delete files a running process still writes to: the space only comes back when the process closes them.

## Find what fills the disk

- [ ] Check which filesystem is full
- [ ] Find the largest directories on it
- [ ] Look for deleted files that are still open

\`\`\`bash
df -h
sudo du -xh --max-depth=2 /var | sort -rh | head -20
sudo lsof +L1 | sort -k7 -rn | head
\`\`\`

## Free space

- [ ] Vacuum the journal and compress rotated logs
- [ ] Remove unused container images
- [ ] Restart a process that holds deleted files, if it is safe to

\`\`\`bash
sudo journalctl --vacuum-size=500M
sudo find /var/log -name '*.log.[0-9]' -mtime +2 -exec gzip {} +
sudo docker image prune -af --filter 'until=168h'
\`\`\`

## After

- [ ] Usage is below 80%
- [ ] Fix the cause: log rotation, retention or a bigger volume
`;

const DISK_ZH = `## 适用场景

触发了 \`HostDiskFull\` 告警：某台主机上的文件系统使用率超过 90%。

> [!WARNING]
> 不要删除仍被运行中进程写入的文件：只有进程关闭文件后，空间才会释放。

## 找出占满磁盘的内容

- [ ] 确认是哪个文件系统满了
- [ ] 找出其中最大的目录
- [ ] 检查已删除但仍被打开的文件

\`\`\`bash
df -h
sudo du -xh --max-depth=2 /var | sort -rh | head -20
sudo lsof +L1 | sort -k7 -rn | head
\`\`\`

## 释放空间

- [ ] 清理 journal 日志，压缩已轮转的日志
- [ ] 删除不再使用的容器镜像
- [ ] 在安全的前提下，重启仍占用已删除文件的进程

\`\`\`bash
sudo journalctl --vacuum-size=500M
sudo find /var/log -name '*.log.[0-9]' -mtime +2 -exec gzip {} +
sudo docker image prune -af --filter 'until=168h'
\`\`\`

## 完成后

- [ ] 使用率已降到 80% 以下
- [ ] 解决根本原因：日志轮转、保留策略或扩容
`;

/** The demo runbooks, in the order they are created. */
export const DEMO_RUNBOOKS: readonly DemoRunbook[] = [
  {
    key: 'tls',
    title: { en: 'Rotate TLS certificates', 'zh-CN': '轮换 TLS 证书' },
    tags: { en: ['security', 'network'], 'zh-CN': ['安全', '网络'] },
    services: ['edge-proxy'],
    alertMatchers: [{ label: 'alertname', value: 'CertificateExpiringSoon' }],
    reviewIntervalDays: 180,
    markdown: { en: TLS_EN, 'zh-CN': TLS_ZH }
  },
  {
    key: 'failover',
    title: { en: 'Database failover', 'zh-CN': '数据库主从切换' },
    tags: { en: ['database', 'incident'], 'zh-CN': ['数据库', '故障处理'] },
    services: ['orders-db'],
    alertMatchers: [{ label: 'service', value: 'orders-db' }],
    reviewIntervalDays: 90,
    markdown: { en: FAILOVER_EN, 'zh-CN': FAILOVER_ZH }
  },
  {
    key: 'disk',
    title: { en: 'Disk full on a host', 'zh-CN': '主机磁盘已满' },
    tags: { en: ['linux', 'incident'], 'zh-CN': ['Linux', '故障处理'] },
    services: [],
    alertMatchers: [{ label: 'alertname', value: 'HostDiskFull' }],
    reviewIntervalDays: 180,
    markdown: { en: DISK_EN, 'zh-CN': DISK_ZH }
  }
];
