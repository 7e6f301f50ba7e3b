/**
 * The fictional ops team of the AI evaluation set (bench/ai/dataset.ts): its services, the
 * recurring incident types and routine task types, each phrased several ways in English and in
 * Chinese (the way a mixed team writes tickets: product names and hosts often stay in Latin
 * letters inside Chinese text, but not always), and the people with their specialities and paces.
 * `{host}` in a phrasing is replaced by one of the service's hosts.
 */

export interface ServiceSpec {
  id: string;
  /** Category label shared by related services (database, cache, …). */
  category: string;
  hosts: readonly string[];
  /** Mean alerts per hour at the daily peak on a weekday. */
  alertPeak: number;
  /** A nightly batch job raises a regular burst at 02:00 Beijing time (18:00 UTC). */
  nightlyBatch?: boolean;
}

export const SERVICES: readonly ServiceSpec[] = [
  {
    id: 'mysql',
    category: 'database',
    hosts: ['db-01', 'db-02', 'db-03'],
    alertPeak: 9,
    nightlyBatch: true
  },
  { id: 'redis', category: 'database', hosts: ['redis-01', 'redis-02'], alertPeak: 6 },
  { id: 'kafka', category: 'messaging', hosts: ['kafka-01', 'kafka-02', 'kafka-03'], alertPeak: 7 },
  { id: 'nginx', category: 'web', hosts: ['lb-01', 'lb-02'], alertPeak: 12 },
  {
    id: 'k8s',
    category: 'platform',
    hosts: ['k8s-node-04', 'k8s-node-07', 'k8s-node-11'],
    alertPeak: 10
  },
  { id: 'payment-api', category: 'payments', hosts: ['pay-01', 'pay-02'], alertPeak: 8 },
  { id: 'elasticsearch', category: 'database', hosts: ['es-01', 'es-02'], alertPeak: 5 },
  { id: 'network', category: 'network', hosts: ['core-sw-01', 'vpn-gw-01'], alertPeak: 3 },
  { id: 'tls', category: 'security', hosts: ['api.example.cn', 'shop.example.cn'], alertPeak: 1.5 },
  {
    id: 'backup',
    category: 'storage',
    hosts: ['backup-01', 'nas-01'],
    alertPeak: 2,
    nightlyBatch: true
  },
  { id: 'ci', category: 'tooling', hosts: ['jenkins-01', 'gitlab-runner-02'], alertPeak: 2.5 },
  { id: 'monitoring', category: 'tooling', hosts: ['prom-01', 'grafana-01'], alertPeak: 2 }
];

export type Priority = 'urgent' | 'high' | 'medium' | 'low';

export interface WorkType {
  /** Group id: items of one type are paraphrases of each other. */
  id: string;
  kind: 'incident' | 'task';
  service: string;
  /** Relative frequency. */
  weight: number;
  /** Median time from creation to resolved (incident) or done (task), in minutes, for an
   *  average-paced specialist at medium priority. */
  medianMinutes: number;
  /** Priority weights in the order urgent, high, medium, low. */
  priorities: readonly [number, number, number, number];
  en: readonly string[];
  zh: readonly string[];
  descEn: string;
  descZh: string;
}

export const WORK_TYPES: readonly WorkType[] = [
  // ----- incidents -----
  {
    id: 'mysql-replication-lag',
    kind: 'incident',
    service: 'mysql',
    weight: 5,
    medianMinutes: 95,
    priorities: [1, 4, 4, 1],
    en: [
      'MySQL replication lag on {host}',
      'Replica {host} falling behind primary',
      'Slave lag alert: {host} seconds behind master',
      'Database replication delay high on {host}'
    ],
    zh: [
      '{host} MySQL 主从延迟',
      '数据库主从同步延迟过高 {host}',
      '{host} 从库复制延迟告警',
      'MySQL 从库落后主库，复制延迟持续上升'
    ],
    descEn: 'Seconds_Behind_Master keeps growing; reads from the replica are stale.',
    descZh: '从库 Seconds_Behind_Master 持续增长，读请求拿到旧数据。'
  },
  {
    id: 'mysql-disk-full',
    kind: 'incident',
    service: 'mysql',
    weight: 3,
    medianMinutes: 70,
    priorities: [3, 5, 2, 0],
    en: [
      'Disk almost full on {host} (MySQL data volume)',
      '{host} disk usage above 90%',
      'MySQL data disk running out of space on {host}',
      'Low disk space: binlogs filling {host}'
    ],
    zh: [
      '{host} 磁盘空间不足',
      '{host} 数据盘使用率超过 90%',
      'MySQL 数据目录磁盘快满了 {host}',
      'binlog 占满磁盘，{host} 空间告警'
    ],
    descEn: 'Binary logs and the slow log are filling the data volume.',
    descZh: 'binlog 和慢日志把数据盘占满了。'
  },
  {
    id: 'mysql-slow-queries',
    kind: 'incident',
    service: 'mysql',
    weight: 3,
    medianMinutes: 160,
    priorities: [0, 3, 5, 2],
    en: [
      'Slow queries piling up on {host}',
      'MySQL slow query spike on {host}',
      'Query latency high on the orders database',
      'Long running queries blocking {host}'
    ],
    zh: [
      '{host} 慢查询激增',
      'MySQL 慢 SQL 堆积 {host}',
      '订单库查询延迟高',
      '{host} 长事务阻塞，慢查询告警'
    ],
    descEn: 'p99 query time above 2 s since the last deploy.',
    descZh: '上次发布后查询 p99 超过 2 秒。'
  },
  {
    id: 'redis-memory',
    kind: 'incident',
    service: 'redis',
    weight: 4,
    medianMinutes: 55,
    priorities: [1, 5, 3, 1],
    en: [
      'Redis memory usage high on {host}',
      '{host} near maxmemory, evictions rising',
      'Redis out of memory warnings on {host}',
      'Cache memory exhausted on {host}'
    ],
    zh: [
      '{host} Redis 内存使用率过高',
      'Redis 内存快满，淘汰数上升 {host}',
      '{host} 缓存内存告警',
      'Redis 接近 maxmemory，大量 key 被驱逐'
    ],
    descEn: 'used_memory close to maxmemory; evicted_keys climbing.',
    descZh: 'used_memory 接近 maxmemory，evicted_keys 持续上涨。'
  },
  {
    id: 'redis-latency',
    kind: 'incident',
    service: 'redis',
    weight: 3,
    medianMinutes: 45,
    priorities: [1, 4, 4, 1],
    en: [
      'Redis latency spikes on {host}',
      'Slow Redis commands on {host}',
      'Cache timeouts from checkout to Redis',
      'High Redis response time on {host}'
    ],
    zh: [
      '{host} Redis 延迟抖动',
      'Redis 命令变慢 {host}',
      '结算服务访问 Redis 超时',
      '{host} Redis 响应时间过高'
    ],
    descEn: 'SLOWLOG shows KEYS and large HGETALL calls.',
    descZh: 'SLOWLOG 里有 KEYS 和大 HGETALL 调用。'
  },
  {
    id: 'kafka-consumer-lag',
    kind: 'incident',
    service: 'kafka',
    weight: 5,
    medianMinutes: 80,
    priorities: [1, 4, 4, 1],
    en: [
      'Kafka consumer lag growing on orders topic',
      'Consumer group lag alert ({host})',
      'Kafka consumers falling behind on {host}',
      'Message backlog: consumer lag above threshold'
    ],
    zh: [
      'Kafka 消费延迟持续增长',
      '{host} 消费者组积压告警',
      'Kafka 消息积压，消费跟不上',
      '订单 topic 消费 lag 超过阈值'
    ],
    descEn: 'Lag above 100k messages on the orders topic.',
    descZh: '订单 topic 积压超过 10 万条。'
  },
  {
    id: 'kafka-broker-down',
    kind: 'incident',
    service: 'kafka',
    weight: 2,
    medianMinutes: 120,
    priorities: [4, 4, 1, 0],
    en: [
      'Kafka broker {host} down',
      'Broker {host} left the cluster',
      'Under-replicated partitions after {host} crash',
      'Kafka node {host} unreachable'
    ],
    zh: [
      'Kafka broker {host} 宕机',
      '{host} 节点掉出 Kafka 集群',
      '{host} 崩溃后出现副本不足的分区',
      'Kafka 节点 {host} 无法连接'
    ],
    descEn: 'Partitions led by the broker moved; ISR shrank.',
    descZh: '该 broker 上的分区 leader 已迁移，ISR 缩小。'
  },
  {
    id: 'nginx-5xx',
    kind: 'incident',
    service: 'nginx',
    weight: 5,
    medianMinutes: 40,
    priorities: [3, 5, 2, 0],
    en: [
      'Nginx 502 errors spiking on {host}',
      'High rate of 5xx from the load balancer',
      'Bad gateway errors on {host}',
      'Nginx upstream errors: 502/504 rising'
    ],
    zh: [
      '{host} Nginx 502 错误激增',
      '负载均衡 5xx 错误率过高',
      '{host} 出现大量 Bad Gateway',
      'Nginx 上游报错，502/504 增多'
    ],
    descEn: 'Upstream connect errors to the app pool.',
    descZh: '连接应用池的上游报错。'
  },
  {
    id: 'tls-cert-expiry',
    kind: 'incident',
    service: 'tls',
    weight: 2,
    medianMinutes: 180,
    priorities: [1, 4, 4, 1],
    en: [
      'TLS certificate for {host} expires in 7 days',
      'SSL cert expiring soon on {host}',
      'Certificate expiry warning: {host}',
      'Renew the HTTPS certificate of {host}'
    ],
    zh: [
      '{host} 的 TLS 证书 7 天后过期',
      '{host} SSL 证书即将过期',
      '证书过期告警：{host}',
      '{host} HTTPS 证书需要续期'
    ],
    descEn: 'The ACME renewal failed twice.',
    descZh: 'ACME 自动续期连续失败两次。'
  },
  {
    id: 'k8s-crashloop',
    kind: 'incident',
    service: 'k8s',
    weight: 5,
    medianMinutes: 60,
    priorities: [1, 4, 4, 1],
    en: [
      'Pods in CrashLoopBackOff on {host}',
      'Kubernetes pod restarting repeatedly',
      'CrashLoopBackOff: order-service pods',
      'Container keeps crashing on {host}'
    ],
    zh: [
      '{host} 上的 Pod CrashLoopBackOff',
      'Kubernetes Pod 反复重启',
      'order-service 的 Pod 一直 CrashLoopBackOff',
      '{host} 容器不断崩溃重启'
    ],
    descEn: 'Back-off restarting failed container.',
    descZh: '容器启动失败后反复退避重启。'
  },
  {
    id: 'k8s-node-notready',
    kind: 'incident',
    service: 'k8s',
    weight: 3,
    medianMinutes: 90,
    priorities: [2, 5, 3, 0],
    en: [
      'Kubernetes node {host} NotReady',
      'Node {host} not ready, pods evicted',
      '{host} kubelet stopped reporting',
      'Cluster node {host} went NotReady'
    ],
    zh: [
      'Kubernetes 节点 {host} NotReady',
      '{host} 节点不可用，Pod 被驱逐',
      '{host} kubelet 停止上报',
      '集群节点 {host} 状态 NotReady'
    ],
    descEn: 'The kubelet lost contact with the API server.',
    descZh: 'kubelet 与 API server 失联。'
  },
  {
    id: 'payment-timeouts',
    kind: 'incident',
    service: 'payment-api',
    weight: 4,
    medianMinutes: 50,
    priorities: [4, 4, 2, 0],
    en: [
      'Payment API timeouts on {host}',
      'Checkout payments failing with timeouts',
      'payment-api latency above SLO',
      'Payment gateway calls timing out'
    ],
    zh: [
      '{host} 支付接口超时',
      '结算支付失败，请求超时',
      'payment-api 延迟超出 SLO',
      '调用支付网关超时'
    ],
    descEn: 'Third-party gateway p95 above 5 s.',
    descZh: '第三方网关 p95 超过 5 秒。'
  },
  {
    id: 'payment-callback-errors',
    kind: 'incident',
    service: 'payment-api',
    weight: 2,
    medianMinutes: 130,
    priorities: [2, 5, 3, 0],
    en: [
      'Payment callbacks failing signature check',
      'Refund callbacks rejected by payment-api',
      'Payment notify webhook errors on {host}',
      'Callback verification errors from the payment provider'
    ],
    zh: [
      '支付回调验签失败',
      '退款回调被 payment-api 拒绝',
      '{host} 支付通知回调报错',
      '支付渠道回调校验失败'
    ],
    descEn: 'The provider rotated its signing key.',
    descZh: '支付渠道更换了签名密钥。'
  },
  {
    id: 'es-cluster-red',
    kind: 'incident',
    service: 'elasticsearch',
    weight: 2,
    medianMinutes: 110,
    priorities: [2, 5, 3, 0],
    en: [
      'Elasticsearch cluster status red',
      'ES cluster red: unassigned shards on {host}',
      'Search cluster health red',
      'Unassigned primary shards in Elasticsearch'
    ],
    zh: [
      'Elasticsearch 集群状态变红',
      'ES 集群 red，{host} 有未分配分片',
      '搜索集群健康状态为红色',
      'Elasticsearch 主分片未分配'
    ],
    descEn: 'A data node ran out of disk watermark.',
    descZh: '一个数据节点触发了磁盘水位线。'
  },
  {
    id: 'network-packet-loss',
    kind: 'incident',
    service: 'network',
    weight: 2,
    medianMinutes: 100,
    priorities: [2, 4, 3, 1],
    en: [
      'Packet loss between data centers',
      'Network packet loss on {host}',
      'High packet loss and jitter on the uplink',
      'Intermittent network drops via {host}'
    ],
    zh: [
      '机房之间网络丢包',
      '{host} 网络丢包',
      '上联链路丢包、抖动严重',
      '经过 {host} 的网络间歇性中断'
    ],
    descEn: 'Loss around 5% on the cross-DC link.',
    descZh: '跨机房链路丢包约 5%。'
  },
  {
    id: 'dns-resolution',
    kind: 'incident',
    service: 'network',
    weight: 2,
    medianMinutes: 45,
    priorities: [3, 4, 2, 1],
    en: [
      'DNS resolution failures for internal services',
      'Internal DNS lookups timing out',
      'Services cannot resolve hostnames',
      'CoreDNS errors: NXDOMAIN for internal names'
    ],
    zh: [
      '内部服务 DNS 解析失败',
      '内网 DNS 查询超时',
      '服务无法解析主机名',
      'CoreDNS 报错，内部域名返回 NXDOMAIN'
    ],
    descEn: 'Resolvers return SERVFAIL intermittently.',
    descZh: '解析器间歇返回 SERVFAIL。'
  },
  {
    id: 'backup-failed',
    kind: 'incident',
    service: 'backup',
    weight: 3,
    medianMinutes: 240,
    priorities: [0, 3, 5, 2],
    en: [
      'Nightly backup failed on {host}',
      'Database backup job failed',
      'Backup to {host} did not complete',
      "Last night's backup job exited with errors"
    ],
    zh: [
      '{host} 夜间备份失败',
      '数据库备份任务失败',
      '备份到 {host} 没有完成',
      '昨晚的备份任务报错退出'
    ],
    descEn: 'xtrabackup exited with code 1.',
    descZh: 'xtrabackup 退出码为 1。'
  },
  {
    id: 'ci-runner-down',
    kind: 'incident',
    service: 'ci',
    weight: 2,
    medianMinutes: 150,
    priorities: [0, 2, 5, 3],
    en: [
      'CI pipelines stuck: runner {host} offline',
      'Jenkins builds queued, no executors',
      'Build agents down on {host}',
      'CI jobs pending for hours'
    ],
    zh: [
      'CI 流水线卡住，{host} runner 离线',
      'Jenkins 构建排队，没有可用执行器',
      '{host} 构建节点宕机',
      'CI 任务挂起好几个小时'
    ],
    descEn: 'The runner lost its registration token.',
    descZh: 'runner 的注册令牌失效。'
  },
  {
    id: 'monitoring-gap',
    kind: 'incident',
    service: 'monitoring',
    weight: 2,
    medianMinutes: 75,
    priorities: [0, 3, 5, 2],
    en: [
      'Prometheus scrape failures on {host}',
      'Metrics missing from Grafana dashboards',
      'Monitoring gap: targets down in Prometheus',
      'Prometheus disk full, no new samples'
    ],
    zh: [
      '{host} Prometheus 抓取失败',
      'Grafana 看板上的指标缺失',
      '监控断档：Prometheus 目标下线',
      'Prometheus 磁盘满了，没有新数据'
    ],
    descEn: 'Several targets report up == 0.',
    descZh: '多个目标 up 为 0。'
  },
  // ----- tasks -----
  {
    id: 'task-mysql-upgrade',
    kind: 'task',
    service: 'mysql',
    weight: 2,
    medianMinutes: 2880,
    priorities: [0, 2, 5, 3],
    en: [
      'Upgrade MySQL on {host} to 8.0',
      'Plan the MySQL 8.0 upgrade for {host}',
      'MySQL minor version upgrade on {host}'
    ],
    zh: ['{host} MySQL 升级到 8.0', '规划 {host} 的 MySQL 8.0 升级', '{host} MySQL 小版本升级'],
    descEn: 'Test on staging first, then a rolling upgrade.',
    descZh: '先在预发验证，再滚动升级。'
  },
  {
    id: 'task-mysql-index',
    kind: 'task',
    service: 'mysql',
    weight: 2,
    medianMinutes: 900,
    priorities: [0, 3, 5, 2],
    en: [
      'Add missing index to the orders table',
      'Optimise slow order queries with an index',
      'Review indexes of the orders database'
    ],
    zh: ['给订单表补充缺失的索引', '为慢的订单查询加索引优化', '梳理订单库的索引'],
    descEn: 'From the slow query report.',
    descZh: '来自慢查询报告。'
  },
  {
    id: 'task-redis-cluster',
    kind: 'task',
    service: 'redis',
    weight: 1,
    medianMinutes: 4300,
    priorities: [0, 2, 5, 3],
    en: [
      'Migrate Redis to cluster mode',
      'Move the session cache to Redis Cluster',
      'Redis cluster migration for sessions'
    ],
    zh: ['Redis 迁移到集群模式', '会话缓存迁移到 Redis Cluster', '会话 Redis 集群化改造'],
    descEn: 'Sharding the session keys.',
    descZh: '对会话 key 做分片。'
  },
  {
    id: 'task-kafka-partitions',
    kind: 'task',
    service: 'kafka',
    weight: 1,
    medianMinutes: 1400,
    priorities: [0, 2, 5, 3],
    en: [
      'Increase partitions of the orders topic',
      'Rebalance Kafka partitions across brokers',
      'Kafka topic partition expansion'
    ],
    zh: ['订单 topic 扩容分区', 'Kafka 分区在 broker 间重新均衡', 'Kafka topic 分区扩容'],
    descEn: 'Consumers need more parallelism.',
    descZh: '消费端需要更高的并行度。'
  },
  {
    id: 'task-cert-rotation',
    kind: 'task',
    service: 'tls',
    weight: 2,
    medianMinutes: 600,
    priorities: [1, 3, 4, 2],
    en: [
      'Rotate TLS certificates for {host}',
      'Renew certificates before expiry ({host})',
      'Automate certificate renewal with ACME'
    ],
    zh: ['轮换 {host} 的 TLS 证书', '在过期前续签证书（{host}）', '用 ACME 自动续签证书'],
    descEn: 'Update the load balancers too.',
    descZh: '负载均衡上的证书也要更新。'
  },
  {
    id: 'task-k8s-upgrade',
    kind: 'task',
    service: 'k8s',
    weight: 2,
    medianMinutes: 3600,
    priorities: [0, 3, 5, 2],
    en: [
      'Upgrade the Kubernetes cluster to 1.30',
      'Kubernetes version upgrade for production',
      'Plan the k8s control plane upgrade'
    ],
    zh: ['Kubernetes 集群升级到 1.30', '生产环境 Kubernetes 版本升级', '规划 k8s 控制面升级'],
    descEn: 'Drain nodes one by one.',
    descZh: '逐个节点排空后升级。'
  },
  {
    id: 'task-k8s-quota',
    kind: 'task',
    service: 'k8s',
    weight: 2,
    medianMinutes: 300,
    priorities: [0, 2, 5, 3],
    en: [
      'Set resource quotas for the {host} namespace',
      'Adjust CPU and memory limits of order-service',
      'Review Kubernetes resource requests'
    ],
    zh: [
      '为 {host} 命名空间设置资源配额',
      '调整 order-service 的 CPU 和内存限制',
      '检查 Kubernetes 资源 requests'
    ],
    descEn: 'Several pods are OOMKilled.',
    descZh: '有几个 Pod 被 OOMKilled。'
  },
  {
    id: 'task-nginx-config',
    kind: 'task',
    service: 'nginx',
    weight: 2,
    medianMinutes: 240,
    priorities: [0, 3, 5, 2],
    en: [
      'Add rate limiting to the Nginx config',
      'Nginx config change: new upstream for {host}',
      'Tune Nginx timeouts and keepalive'
    ],
    zh: ['Nginx 配置增加限流', 'Nginx 配置变更：{host} 新增上游', '调整 Nginx 超时和 keepalive'],
    descEn: 'Through the config repository and review.',
    descZh: '走配置仓库和评审。'
  },
  {
    id: 'task-payment-release',
    kind: 'task',
    service: 'payment-api',
    weight: 2,
    medianMinutes: 720,
    priorities: [1, 4, 4, 1],
    en: [
      'Deploy payment-api release to production',
      'Roll out the new payment-api version',
      'payment-api release with the refund fix'
    ],
    zh: [
      'payment-api 新版本发布到生产',
      '灰度发布新的 payment-api 版本',
      '发布带退款修复的 payment-api'
    ],
    descEn: 'Canary 10% first.',
    descZh: '先灰度 10%。'
  },
  {
    id: 'task-backup-restore-test',
    kind: 'task',
    service: 'backup',
    weight: 2,
    medianMinutes: 1000,
    priorities: [0, 2, 5, 3],
    en: [
      'Quarterly backup restore test',
      'Test restoring the database from backup',
      'Verify backups by a restore drill'
    ],
    zh: ['季度备份恢复演练', '测试从备份恢复数据库', '通过恢复演练验证备份'],
    descEn: 'Restore into the staging database.',
    descZh: '恢复到预发数据库。'
  },
  {
    id: 'task-monitoring-alerts',
    kind: 'task',
    service: 'monitoring',
    weight: 2,
    medianMinutes: 480,
    priorities: [0, 2, 5, 3],
    en: [
      'Add alert rules for the payment service',
      'Tune noisy Prometheus alert rules',
      'Create a Grafana dashboard for Kafka lag'
    ],
    zh: [
      '为支付服务添加告警规则',
      '优化吵闹的 Prometheus 告警规则',
      '为 Kafka lag 建一个 Grafana 看板'
    ],
    descEn: 'Fewer pages at night.',
    descZh: '减少夜间告警。'
  },
  {
    id: 'task-ci-pipeline',
    kind: 'task',
    service: 'ci',
    weight: 2,
    medianMinutes: 600,
    priorities: [0, 2, 5, 3],
    en: [
      'Speed up the CI pipeline with caching',
      'Migrate Jenkins jobs to GitLab CI',
      'Add a build cache to CI runners'
    ],
    zh: ['用缓存加速 CI 流水线', 'Jenkins 任务迁移到 GitLab CI', '给 CI runner 加构建缓存'],
    descEn: 'Builds take over 20 minutes.',
    descZh: '构建超过 20 分钟。'
  },
  {
    id: 'task-access-request',
    kind: 'task',
    service: 'network',
    weight: 3,
    medianMinutes: 120,
    priorities: [0, 2, 5, 3],
    en: [
      'VPN access for a new team member',
      'Grant VPN and bastion access to the new hire',
      'Open firewall port for {host}'
    ],
    zh: ['为新同事开通 VPN 权限', '给新员工开通 VPN 和堡垒机权限', '为 {host} 开放防火墙端口'],
    descEn: 'Approved by the team lead.',
    descZh: '组长已审批。'
  }
];

export interface PersonSpec {
  id: string;
  name: string;
  email: string;
  role: 'admin' | 'operator' | 'member' | 'viewer';
  /** Services they own. */
  services: readonly string[];
  /** Multiplier on durations (below 1: faster than the team). */
  pace: number;
  /** On the weekly on-call rotation. */
  onCall: boolean;
  /** Day of the year they joined (0 = from the start). */
  joinedDay?: number;
  /** Day of the year they left (inactive afterwards). */
  leftDay?: number;
}

export const PEOPLE: readonly PersonSpec[] = [
  {
    id: 'u-alice',
    name: 'Alice Chen',
    email: 'alice@example.cn',
    role: 'admin',
    services: ['mysql', 'elasticsearch'],
    pace: 0.8,
    onCall: true
  },
  {
    id: 'u-wangfang',
    name: '王芳',
    email: 'wangfang@example.cn',
    role: 'operator',
    services: ['mysql', 'redis', 'backup'],
    pace: 1.0,
    onCall: false
  },
  {
    id: 'u-bob',
    name: 'Bob Miller',
    email: 'bob@example.cn',
    role: 'operator',
    services: ['k8s', 'nginx'],
    pace: 1.35,
    onCall: true
  },
  {
    id: 'u-lilei',
    name: '李雷',
    email: 'lilei@example.cn',
    role: 'operator',
    services: ['kafka', 'redis'],
    pace: 0.7,
    onCall: true
  },
  {
    id: 'u-carol',
    name: 'Carol Diaz',
    email: 'carol@example.cn',
    role: 'member',
    services: ['payment-api'],
    pace: 1.1,
    onCall: false
  },
  {
    id: 'u-zhangwei',
    name: '张伟',
    email: 'zhangwei@example.cn',
    role: 'operator',
    services: ['network', 'tls'],
    pace: 0.9,
    onCall: true
  },
  {
    id: 'u-dave',
    name: 'Dave Kim',
    email: 'dave@example.cn',
    role: 'member',
    services: ['ci', 'monitoring'],
    pace: 1.7,
    onCall: false
  },
  {
    id: 'u-liuyang',
    name: '刘洋',
    email: 'liuyang@example.cn',
    role: 'operator',
    services: ['k8s', 'monitoring'],
    pace: 0.75,
    onCall: true
  },
  {
    id: 'u-erin',
    name: 'Erin Novak',
    email: 'erin@example.cn',
    role: 'operator',
    services: ['payment-api', 'nginx'],
    pace: 1.2,
    onCall: true
  },
  {
    id: 'u-chenjing',
    name: '陈静',
    email: 'chenjing@example.cn',
    role: 'member',
    services: ['backup', 'mysql'],
    pace: 1.45,
    onCall: false,
    leftDay: 230
  },
  {
    id: 'u-frank',
    name: 'Frank Ortiz',
    email: 'frank@example.cn',
    role: 'member',
    services: ['elasticsearch', 'kafka', 'tls'],
    pace: 1.0,
    onCall: false,
    joinedDay: 120
  },
  {
    id: 'u-zhaomin',
    name: '赵敏',
    email: 'zhaomin@example.cn',
    role: 'viewer',
    services: [],
    pace: 1,
    onCall: false
  }
];
