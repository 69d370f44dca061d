# 관리 센터.

admin-nav = 관리 영역
admin-users = 사용자
admin-users-detail = 사용자
admin-groups = 그룹
admin-groups-detail = 그룹
admin-roles = 역할 및 할당
admin-settings = 테넌트 설정
admin-domains = 확인된 도메인
admin-compliance = 규정 준수 정책
admin-conditional-access = 조건부 액세스
admin-enrollment = 등록 토큰
admin-devices = 장치
admin-devices-detail = 장치
admin-reports = 세션 보고서
admin-audit = 감사 로그

col-name = 이름
col-email = 이메일
col-job-title = 직함
col-company = 회사
col-status = 상태
col-created = 만든 날짜
col-description = 설명
col-members = 구성원
col-permissions = 권한
col-role = 역할
col-assignee = 할당 대상
col-scope = 범위
col-domain = 도메인
col-state = 상태
col-grant = 권한 부여
col-expires = 만료
col-uses = 사용 횟수
col-os = 운영 체제
col-compliance = 규정 준수
col-last-check-in = 마지막 체크인
col-primary-user = 기본 사용자
col-helper = 도우미
col-sharer = 공유자
col-device = 장치
col-started = 시작
col-ended = 종료
col-duration = 기간
col-mode = 모드
col-outcome = 결과
col-time = 시간
col-actor = 수행자
col-action = 작업
col-target = 대상
col-address = 주소

user-new = 새 사용자
user-password = 비밀번호
user-password-help = { $min }자 이상. Single Sign-On만 사용하려면 비워 두세요.
user-full-name = 전체 이름
user-active = 활성
user-disabled = 사용 안 함
user-disable = 사용 안 함으로 설정
user-enable = 사용으로 설정
user-profile = 프로필
user-picture = 프로필 사진
user-picture-upload = 사진 업로드
user-picture-help = PNG, JPEG 또는 WebP, 최대 256KB.
user-created = 사용자 { $name }을(를) 만들었습니다.
user-reset-second-factor = 2단계 인증 초기화

group-new = 새 그룹
group-members = 구성원
group-add-member = 구성원 추가
group-member-email = 구성원 이메일

role-new = 새 역할
role-assign = 역할 할당
role-user-email = 사용자 이메일
role-group = 또는 그룹
role-scope-all = 테넌트 전체
role-scope-groups = 범위 그룹
role-scope-groups-help = 도우미는 이 그룹의 구성원만 도울 수 있습니다.
role-builtin = 기본 제공
role-assignments = 할당

settings-remote-help = 원격 도움 사용
settings-unenrolled = 등록되지 않은 장치와의 세션 허용
settings-chat-disabled = 채팅 끄기
settings-max-minutes = 최대 세션 길이(분)

domain-add = 도메인 추가
domain-name = 도메인 이름

compliance-new = 새 규정 준수 정책
compliance-all-devices = 모든 장치
compliance-disk-encryption = 디스크 암호화 필요
compliance-firewall = 방화벽 필요
compliance-screen-lock = 화면 잠금 필요
compliance-enabled = 사용

ca-new = 새 조건부 액세스 정책
ca-all-users = 모든 사용자
ca-require-second-factor = 2단계 인증 필요
ca-addresses = 클라이언트 주소(CIDR, 한 줄에 하나씩)
ca-state-enabled = 사용
ca-state-disabled = 사용 안 함
ca-state-report-only = 보고서 전용
ca-grant-allow = 허용
ca-grant-second-factor = 2단계 인증 필요
ca-grant-block = 차단

enrollment-new = 새 등록 토큰
enrollment-hours = 유효 기간(시간)
enrollment-max-uses = 최대 사용 횟수
enrollment-created = 지금 이 토큰을 복사하세요. 한 번만 표시됩니다.
enrollment-revoke = 해지
enrollment-revoked = 해지됨

device-filter-compliance = 규정 준수
device-filter-os = 운영 체제
device-filter-search = 검색
device-any = 모두
device-compliant = 준수
device-not-compliant = 준수하지 않음
device-not-evaluated = 평가되지 않음
device-facts = 장치 정보
device-reasons = 규정 준수 사유
device-recent-sessions = 최근 세션
device-new-session = 새 원격 도움 세션
device-agent-version = 에이전트 버전
device-enrolled = 등록 날짜
device-retired = 사용 중지 날짜

reports-from = 시작일
reports-to = 종료일
reports-csv = CSV 다운로드
audit-action-filter = 작업
