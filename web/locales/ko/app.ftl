# The sharer's desktop app (assist-app). It also uses keys from session.ftl (live-*).

app-title = Assist: 도움 받기
app-connecting = 연결 중…
app-helper-picture = { $helper }의 사진
app-consent-title = 허용하시겠습니까?
app-consent-view = { $helper }님이 화면 보기를 요청합니다.
app-consent-control = { $helper }님이 마우스와 키보드 제어를 요청합니다.
app-sharing-title = Assist: 공유 중
app-sharing-view = { $helper }님이 화면을 보고 있습니다
app-sharing-control = { $helper }님이 마우스와 키보드를 제어하고 있습니다
app-stop-control = 제어 중지
app-control-stopped = 제어가 중지되었습니다: 도우미는 화면만 볼 수 있습니다.
app-pause = 일시 중지
app-resume = 다시 시작
app-paused = 일시 중지됨: 아무것도 전송되지 않습니다.
app-chat-open = 채팅
app-chat-title = Assist: 채팅
app-chat-new = { $helper }님의 새 메시지
app-session-over = 세션이 종료되었습니다.
app-error-unreachable = 서버에 연결할 수 없습니다. 네트워크를 확인하고 다시 시도하세요.
app-error-not-set-up = 이 컴퓨터는 아직 원격 지원용으로 설정되지 않았습니다. IT 부서에 문의하세요.
app-offer-heading = { $helper } 님이 이 기기에서 도움을 드리려고 합니다
app-offer-help = 수락하면 원격 지원 세션에 참여합니다. 화면을 보거나 제어하기 전에 다시 허락을 요청합니다.
app-offer-accept = 수락
app-offer-decline = 거절
app-offer-declined = 거절했습니다. 도우미에게 알렸습니다.
app-offer-notification = 수락하여 원격 지원 세션에 참여하거나 거절하세요.
